// A pairing link as a QR code a tablet's camera reads: the module matrix (true = dark), from
// qrcode-generator, and that matrix as one SVG path. Pure.
import qrcode from 'qrcode-generator';

/**
 * The smallest QR code holding `text` as bytes, at error-correction level M (a phone reads it
 * off a laptop screen with glare and a finger in the way). Row by row, true = dark module.
 */
export function qrMatrix(text: string): boolean[][] {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const size = code.getModuleCount();
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => code.isDark(row, col)),
  );
}

/** The dark modules as one SVG path in module units, offset by the quiet zone `margin`. */
export function qrPath(matrix: readonly (readonly boolean[])[], margin: number): string {
  const parts: string[] = [];
  matrix.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) parts.push(`M${x + margin} ${y + margin}h1v1h-1z`);
    });
  });
  return parts.join('');
}
