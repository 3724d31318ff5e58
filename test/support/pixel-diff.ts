import { Page } from 'playwright-core';

// Browser globals for the functions below, which run in the page: the project compiles without
// the DOM library (its types would change Node's fetch and Buffer types).
interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}
interface BrowserImage {
  src: string;
  naturalWidth: number;
  naturalHeight: number;
  decode(): Promise<void>;
}
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d', options: object): { drawImage(image: BrowserImage, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): Pixels } | null;
}
declare const Image: new () => BrowserImage;
declare const document: { createElement(tag: 'canvas'): Canvas };
declare function getComputedStyle(element: unknown): { getPropertyValue(property: string): string };

/** For locator.evaluate: an element's computed value of a CSS property. */
export const computedStyle = (element: unknown, property: string): string => getComputedStyle(element).getPropertyValue(property);

/** For locator.evaluate on an <img>: its intrinsic width once decoded (a broken image throws). */
export const decodedWidth = (img: unknown): Promise<number> => {
  const image = img as BrowserImage;
  return image.decode().then(() => image.naturalWidth);
};

export interface PixelDifference {
  sameSize: boolean;
  /** Share of pixels whose colour differs by more than `channelTolerance` in some channel. */
  differingShare: number;
}

/**
 * Compares two PNGs pixel by pixel in the browser's own decoder and canvas (no PNG package is
 * installed; pixelmatch + pngjs would do this in Node). The page should be blank (about:blank).
 */
export async function pixelDifference(page: Page, expected: Buffer, actual: Buffer, channelTolerance = 24): Promise<PixelDifference> {
  return page.evaluate(
    async ([a, b, tolerance]) => {
      const load = async (base64: string) => {
        const img = new Image();
        img.src = `data:image/png;base64,${base64}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const context = canvas.getContext('2d', { willReadFrequently: true })!;
        context.drawImage(img, 0, 0);
        return context.getImageData(0, 0, canvas.width, canvas.height);
      };
      const [one, two] = [await load(a as string), await load(b as string)];
      if (one.width !== two.width || one.height !== two.height) return { sameSize: false, differingShare: 1 };
      let differing = 0;
      for (let i = 0; i < one.data.length; i += 4) {
        for (let c = 0; c < 3; c++) {
          if (Math.abs(one.data[i + c] - two.data[i + c]) > (tolerance as number)) {
            differing++;
            break;
          }
        }
      }
      return { sameSize: true, differingShare: differing / (one.width * one.height) };
    },
    [expected.toString('base64'), actual.toString('base64'), channelTolerance] as const,
  );
}
