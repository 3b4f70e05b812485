import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** The text of every page of a PDF, pages joined by a newline. */
export async function pdfText(pdf: Buffer): Promise<{ text: string; pages: number; width: number; height: number }> {
  const document = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false })
    .promise;
  const texts: string[] = [];
  let size = { width: 0, height: 0 };
  for (let n = 1; n <= document.numPages; n += 1) {
    const page = await document.getPage(n);
    if (n === 1) size = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    texts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await document.destroy();
  return { text: texts.join('\n'), pages: document.numPages, width: size.width, height: size.height };
}
