/** Named colours mail clients write into bgcolor, with their sRGB values; others are left alone. */
const NAMED: Record<string, [number, number, number]> = {
  black: [0, 0, 0],
  white: [255, 255, 255],
  navy: [0, 0, 128],
  darkblue: [0, 0, 139],
  blue: [0, 0, 255],
  maroon: [128, 0, 0],
  darkred: [139, 0, 0],
  red: [255, 0, 0],
  purple: [128, 0, 128],
  green: [0, 128, 0],
  darkgreen: [0, 100, 0],
  teal: [0, 128, 128],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
  dimgray: [105, 105, 105],
  darkslategray: [47, 79, 79],
  midnightblue: [25, 25, 112],
  silver: [192, 192, 192],
  yellow: [255, 255, 0],
  orange: [255, 165, 0],
  lightgray: [211, 211, 211],
  lightgrey: [211, 211, 211],
  whitesmoke: [245, 245, 245],
};

const DARK_TEXT = '#1b1f24';
const DARK_RGB: [number, number, number] = [0x1b, 0x1f, 0x24];
const LIGHT_TEXT = '#ffffff';
const LIGHT_RGB: [number, number, number] = [255, 255, 255];

/**
 * The text colour that stays readable on a background a mail set without a text colour:
 * light on a dark background, dark on a light one. Undefined for what cannot be read here
 * (transparent, unknown names), which is then left as the mail wrote it.
 */
export function readableTextColor(background: string): string | undefined {
  const rgb = parseColor(background);
  if (!rgb) return undefined;
  const luminance = relativeLuminance(rgb);
  return contrast(luminance, relativeLuminance(LIGHT_RGB)) > contrast(luminance, relativeLuminance(DARK_RGB)) ? LIGHT_TEXT : DARK_TEXT;
}

function parseColor(value: string): [number, number, number] | undefined {
  const color = value.trim().toLowerCase();
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/.exec(color)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = /^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*(1|0?\.\d+|0)\s*)?\)$/.exec(color);
  if (rgb) {
    if (rgb[4] !== undefined && Number(rgb[4]) < 0.5) return undefined;
    return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])].map((n) => Math.min(n, 255)) as [number, number, number];
  }
  return NAMED[color];
}

/** WCAG 2 relative luminance, 0 (black) to 1 (white). */
function relativeLuminance([r, g, b]: [number, number, number]): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
