// The pairing QR code: a real decoder (jsQR) reads back exactly the link, for links as long as
// a device link gets; and the matrix has a QR code's structure.
import fc from 'fast-check';
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { qrMatrix, qrPath } from '../../../src-renderer/lib/qr';

/** The matrix as an RGBA image, `scale` pixels a module, with a four-module quiet zone. */
function render(matrix: boolean[][], scale = 4): { data: Uint8ClampedArray; size: number } {
  const modules = matrix.length + 8;
  const size = modules * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  matrix.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const at = (((y + 4) * scale + dy) * size + (x + 4) * scale + dx) * 4;
          data[at] = data[at + 1] = data[at + 2] = 0;
        }
      }
    }),
  );
  return { data, size };
}

const decode = (text: string): string | null => {
  const { data, size } = render(qrMatrix(text));
  return jsQR(data, size, size)?.data ?? null;
};

const LINK =
  'http://192.168.1.23:51234/?token=Zq3k9xV0mS2l8yQe1tW4rB7nC6uH5jD0aF3gK9pL2oI&screen=announcer';

describe('pairing QR code', () => {
  it('reads back as the device link', () => {
    expect(decode(LINK)).toBe(LINK);
  });

  it('reads back any link of the device-link shape', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/);
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(
        octet,
        octet,
        fc.integer({ min: 1024, max: 65535 }),
        token,
        fc.constantFrom('chute', 'announcer'),
        (a, b, port, t, screen) => {
          const link = `http://10.${a}.${b}.7:${port}/?token=${t}&screen=${screen}`;
          expect(decode(link)).toBe(link);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('has a QR code’s structure: 17 + 4v modules a side, three finder patterns, timing lines', () => {
    const m = qrMatrix(LINK);
    const size = m.length;
    expect((size - 17) % 4).toBe(0);
    expect(m.every((row) => row.length === size)).toBe(true);
    // A finder pattern: a dark 7x7 ring, a light ring, a dark 3x3 centre.
    const finderAt = (top: number, left: number) =>
      [0, 1, 2, 3, 4, 5, 6].every((y) =>
        [0, 1, 2, 3, 4, 5, 6].every((x) => {
          const ring = Math.max(Math.abs(y - 3), Math.abs(x - 3));
          return m[top + y]![left + x] === (ring !== 2);
        }),
      );
    expect(finderAt(0, 0)).toBe(true);
    expect(finderAt(0, size - 7)).toBe(true);
    expect(finderAt(size - 7, 0)).toBe(true);
    for (let i = 8; i < size - 8; i++) {
      expect(m[6]![i]).toBe(i % 2 === 0);
      expect(m[i]![6]).toBe(i % 2 === 0);
    }
  });

  it('draws one square per dark module, inside the quiet zone', () => {
    const m = [
      [true, false],
      [false, true],
    ];
    expect(qrPath(m, 4)).toBe('M4 4h1v1h-1zM5 5h1v1h-1z');
  });
});
