// A QR code drawn as SVG (no image URL: the page's CSP allows none), with the standard quiet
// zone of four modules, black on white whatever the theme.
import { useMemo } from 'react';
import { qrMatrix, qrPath } from '../lib/qr';

const QUIET_ZONE = 4;

export function QrCode(props: { text: string; label: string; sizePx?: number }) {
  const { path, modules } = useMemo(() => {
    const matrix = qrMatrix(props.text);
    return { path: qrPath(matrix, QUIET_ZONE), modules: matrix.length + 2 * QUIET_ZONE };
  }, [props.text]);
  const size = props.sizePx ?? 200;
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={props.label}
      width={size}
      height={size}
      viewBox={`0 0 ${modules} ${modules}`}
      shapeRendering="crispEdges"
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
