// Label colours are the project's own (#rrggbb): the chip's text is black or white, whichever contrasts more with it.
// One of the two always reaches at least 4.58:1 (WCAG's relative luminance), so every chip passes AA for text.

export function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** The text colour for a chip of background hex. */
export function chipText(hex: string): "#000000" | "#ffffff" {
  const l = relativeLuminance(hex);
  return contrast(l, 0) >= contrast(l, 1) ? "#000000" : "#ffffff";
}

/** Colours offered for a new label (a person may pick any other). */
export const LABEL_SWATCHES = ["#d73a4a", "#f59e0b", "#fbca04", "#22c55e", "#0e8a16", "#06b6d4", "#1d76db", "#5319e7", "#e99695", "#6b7280"] as const;
