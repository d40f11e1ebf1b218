/**
 * The smallest XML writer SEPA files need: elements with text or children, one attribute kind. Every text and
 * attribute value is escaped here, whatever it holds, so no field can open an element (a name with "<" or "&").
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export type XmlNode = string;

/** `<name attrs>text</name>` or `<name attrs>children…</name>`; a child list is already-written XML. */
export function el(name: string, content: string | XmlNode[], attributes: Record<string, string> = {}): XmlNode {
  const attrs = Object.entries(attributes).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  const body = typeof content === 'string' ? escapeXml(content) : content.join('');
  return `<${name}${attrs}>${body}</${name}>`;
}

export function xmlDocument(namespace: string, root: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${escapeXml(namespace)}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${root}</Document>\n`;
}
