/**
 * The HTML report's plot, read as XML: well-formed SVG with both axes, every series (demand, ready
 * and on-demand for both strategies) drawn inside the plot area over the whole night, a legend
 * naming each series, and the on-demand node-hours of the headline.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../lib/sim/render-html';
import { scenarioFromText } from '../../../lib/sim/scenario';
import { simulate } from '../../../lib/sim/simulate';
import { type XmlElement, allElements, parseXml } from '../../support/xml';
import { scenarioYaml } from './story';

const SERIES = ['demanded', 'ready-capacity-guard', 'ready-baseline', 'on-demand-capacity-guard', 'on-demand-baseline'];

/** The points of an SVG path made of M/L commands. */
function points(d: string): { x: number; y: number }[] {
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map(([, x, y]) => ({ x: Number(x), y: Number(y) }));
}

describe('the HTML report plot', async () => {
  const comparison = await simulate(scenarioFromText(scenarioYaml({ duration: '30m' }), 'night.yaml'), {
    sweep: { ranges: { seeds: [1, 2], phases: [0, 30_000] }, sensitivity: { seeds: [1], phases: [0] } },
  });
  const html = renderHtml(comparison);
  const svgText = /<svg[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
  const svg = parseXml(svgText);
  const elements = allElements(svg);
  const [width, height] = [Number(svg.attributes.width), Number(svg.attributes.height)];
  const bySeries = (name: string, id: string): XmlElement | undefined => elements.find((e) => e.name === name && e.attributes['data-series'] === id);

  it('is one well-formed SVG element with a title', () => {
    expect(html.match(/<svg/g)).toHaveLength(1);
    expect(svg.name).toBe('svg');
    expect(svg.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(svg.attributes.viewBox).toBe(`0 0 ${width} ${height}`);
    expect(elements.find((e) => e.name === 'title')?.text).toMatch(/ready versus demanded/);
  });

  it('has an x axis (time, in minutes over the whole night) and a y axis (nodes)', () => {
    const axis = (which: string) => elements.find((e) => e.name === 'line' && e.attributes['data-axis'] === which)!.attributes;
    const x = axis('x');
    const y = axis('y');
    expect(x.y1).toBe(x.y2);
    expect(y.x1).toBe(y.x2);
    expect(x.x1).toBe(y.x1);
    const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(['0 min', '30 min', 'time since the scenario started', 'nodes', '0']));
  });

  it('draws every series inside the plot area, one point per sample', () => {
    const xAxis = elements.find((e) => e.attributes['data-axis'] === 'x')!.attributes;
    const yAxis = elements.find((e) => e.attributes['data-axis'] === 'y')!.attributes;
    const [left, right, top, bottom] = [Number(xAxis.x1), Number(xAxis.x2), Number(yAxis.y1), Number(yAxis.y2)];
    for (const id of SERIES) {
      const path = bySeries('path', id);
      expect(path, id).toBeDefined();
      const run = id.endsWith('baseline') ? comparison.baseline : comparison.capacityGuard;
      const drawn = points(path!.attributes.d!);
      expect(drawn, id).toHaveLength(run.samples.length);
      for (const point of drawn) {
        expect(point.x).toBeGreaterThanOrEqual(left);
        expect(point.x).toBeLessThanOrEqual(right);
        expect(point.y).toBeGreaterThanOrEqual(top);
        expect(point.y).toBeLessThanOrEqual(bottom);
      }
    }
  });

  it("plots what the runs measured: every ready line ends on the demand line, the 2020 CA's later than capacity-guard's", () => {
    const [demand, guard, today, base] = ['demanded', 'ready-capacity-guard', 'ready-baseline', 'ready-baseline-1.23'].map((id) =>
      points(bySeries('path', id)!.attributes.d!),
    );
    expect(today!.at(-1)!.y).toBe(demand!.at(-1)!.y);
    expect(guard!.at(-1)!.y).toBe(demand!.at(-1)!.y);
    expect(base!.at(-1)!.y).toBe(demand!.at(-1)!.y);
    const reachedAt = (line: { x: number; y: number }[]) => line.findIndex((point, i) => i > 6 && point.y === demand![i]!.y);
    expect(reachedAt(guard!)).toBeGreaterThan(0);
    expect(reachedAt(base!)).toBeGreaterThan(reachedAt(guard!));
  });

  it('has a legend entry for every series, styled like its line, and shows the on-demand node-hours', () => {
    for (const id of SERIES) {
      const entry = bySeries('g', id);
      expect(entry, id).toBeDefined();
      const swatch = entry!.children.find((e) => e.name === 'line')!.attributes;
      const line = bySeries('path', id)!.attributes;
      expect([swatch.stroke, swatch['stroke-dasharray']]).toEqual([line.stroke, line['stroke-dasharray']]);
    }
    const label = (id: string) => bySeries('g', id)!.children.find((e) => e.name === 'text')!.text;
    expect(label('on-demand-capacity-guard')).toContain(`${comparison.capacityGuard.headline.onDemandNodeHours} node-hours`);
    expect(label('on-demand-baseline')).toContain(`${comparison.baseline.headline.onDemandNodeHours} node-hours`);
    expect(html).toMatch(/<th>on-demand node-hours<\/th><td>[\d.]+<\/td><td>[\d.]+<\/td><td>[\d.]+<\/td>/);
  });

  it('shows the spread of every strategy: a bar from min to max with the median marked, on one scale, and the assumptions', () => {
    const rows = [...html.matchAll(/<tr data-range="([^"]+)">[\s\S]*?<\/tr>/g)];
    expect(rows.map((row) => row[1])).toEqual(['capacity-guard + CA 1.36', 'CA 1.36 alone', 'CA 1.23 alone']);
    for (const [row] of rows) {
      expect(row).toMatch(/class="bar" style="left:[\d.]+px;width:[\d.]+px"/);
      expect(row).toMatch(/class="median" style="left:[\d.]+px"/);
      expect(row).toMatch(/class="floor" title="floor" style="left:[\d.]+px"/);
    }
    expect(html).toContain('over seeds 1–2 × first cache refresh at +0 s / +30 s (4 runs each)');
    expect(html).toContain('<h2>Assumptions</h2>');
    expect(html).toContain('<h2>If the assumptions move</h2>');
  });
});

describe('parseXml (the test reader itself)', () => {
  it.each([
    ['<svg><g></svg>', /closes <g>/],
    ['<svg><line x1=5/></svg>', /malformed tag/],
    ['<svg><text>a & b</text></svg>', /bare &/],
    ['<svg a="1" a="2"/>', /repeats attribute/],
    ['<svg/><svg/>', /second root/],
    ['<svg>', /unclosed <svg>/],
  ])('rejects %s', (source, error) => {
    expect(() => parseXml(source)).toThrow(error);
  });
});
