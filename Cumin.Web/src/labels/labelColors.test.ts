import { describe, expect, it } from "vitest";
import { LABEL_SWATCHES, chipText, contrast, relativeLuminance } from "./labelColors";

describe("chip text colour", () => {
  it("is black on light colours and white on dark ones", () => {
    expect(chipText("#ffffff")).toBe("#000000");
    expect(chipText("#fbca04")).toBe("#000000");
    expect(chipText("#000000")).toBe("#ffffff");
    expect(chipText("#5319e7")).toBe("#ffffff");
  });

  it("reaches WCAG AA (4.5:1) on every colour a label may have", () => {
    let worst = Infinity;
    for (let v = 0; v < 0x1000000; v += 0x010203) {
      const hex = `#${v.toString(16).padStart(6, "0")}`;
      const l = relativeLuminance(hex);
      worst = Math.min(worst, contrast(l, relativeLuminance(chipText(hex))));
    }
    for (const hex of LABEL_SWATCHES) worst = Math.min(worst, contrast(relativeLuminance(hex), relativeLuminance(chipText(hex))));
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });

  it("reads upper- and lower-case hexadecimal alike", () => {
    expect(relativeLuminance("#ABCDEF")).toBeCloseTo(relativeLuminance("#abcdef"), 10);
  });
});
