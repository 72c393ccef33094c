/**
 * A strict, small XML reader for the tests of generated SVG: it throws on anything that is not
 * well-formed (unclosed or crossed tags, unquoted or repeated attributes, a bare `&` or `<`, two
 * roots) and returns the element tree. Enough for SVG we write ourselves: no DTD, no CDATA.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, entities decoded. */
  text: string;
}

const NAME = '[A-Za-z_][\\w.:-]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(raw: string, where: string): string {
  if (raw.replace(ENTITY, '').includes('&')) throw new Error(`bare & in ${where}: ${JSON.stringify(raw.slice(0, 80))}`);
  return raw.replace(
    ENTITY,
    (entity) =>
      ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" })[entity] ??
      String.fromCodePoint(Number(entity.slice(2, -1).replace(/^x/, '0x'))),
  );
}

export function parseXml(source: string): XmlElement {
  const token = new RegExp(`<!--[\\s\\S]*?-->|<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>|<`, 'g');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let at = 0;
  const text = (raw: string) => {
    if (stack.length === 0) {
      if (raw.trim() !== '') throw new Error(`text outside the root element: ${JSON.stringify(raw.trim().slice(0, 80))}`);
      return;
    }
    stack.at(-1)!.text += decode(raw, `<${stack.at(-1)!.name}>`);
  };
  for (let match = token.exec(source); match; match = token.exec(source)) {
    text(source.slice(at, match.index));
    at = token.lastIndex;
    if (match[0].startsWith('<!--')) continue;
    const [whole, closing, name, attributeText, selfClosing] = match;
    if (name === undefined) throw new Error(`malformed tag at ${match.index}: ${JSON.stringify(source.slice(match.index, match.index + 80))}`);
    if (closing) {
      if (selfClosing || (attributeText ?? '').trim() !== '') throw new Error(`malformed closing tag ${whole}`);
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of (attributeText ?? '').matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g'))) {
      if (key! in attributes) throw new Error(`<${name}> repeats attribute ${key}`);
      attributes[key!] = decode(value ?? '', `<${name} ${key}>`);
    }
    const element: XmlElement = { name, attributes, children: [], text: '' };
    if (stack.length > 0) stack.at(-1)!.children.push(element);
    else if (root) throw new Error(`second root element <${name}>`);
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  text(source.slice(at));
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element under `element` (itself included), depth first. */
export function allElements(element: XmlElement): XmlElement[] {
  return [element, ...element.children.flatMap(allElements)];
}
