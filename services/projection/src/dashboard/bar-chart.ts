/**
 * Horizontal bar charts as inline SVG, rendered on the server: a chart is an image with a text
 * alternative (`role="img"`, `<title>`, `<desc>` naming every value) and needs no script in the
 * browser. Each bar carries its value as text, so nothing is told by colour or length alone; a
 * withheld value has no bar and reads "[c]". Pure: markup in, markup out.
 */
export interface Bar {
  readonly label: string;
  /** null: withheld (published figures). */
  readonly value: number | null;
  /** What is written after the bar (the count, and a rate where there is one). */
  readonly text: string;
}

export interface BarChart {
  /** Unique in the page: the ids of the title and description derive from it. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly bars: readonly Bar[];
  /** The value of a full-length bar (100 for percentages); the largest value by default. */
  readonly max?: number;
}

/** Drawn at about 630 px wide (two-thirds of the page): 19 user units read as 16 px. */
const WIDTH = 760;
const LABEL_WIDTH = 250;
const BAR_AREA = 340;
const ROW = 44;
const BAR_HEIGHT = 30;
/** GOV.UK blue on white: 5.2:1, above the 3:1 WCAG asks of graphics. */
const BAR_COLOUR = '#1d70b8';
const TEXT_COLOUR = '#0b0c0c';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function barChart(chart: BarChart): string {
  const max = chart.max ?? Math.max(1, ...chart.bars.map((bar) => bar.value ?? 0));
  const height = chart.bars.length * ROW + 8;
  const id = escapeXml(chart.id);
  const rows = chart.bars.map((bar, i) => {
    const y = 4 + i * ROW;
    const width = bar.value === null ? 0 : Math.round((bar.value / max) * BAR_AREA);
    const textX = LABEL_WIDTH + width + (width > 0 ? 8 : 0);
    return [
      `<g>`,
      `<text x="${LABEL_WIDTH - 10}" y="${y + BAR_HEIGHT / 2}" text-anchor="end" dominant-baseline="central">${escapeXml(bar.label)}</text>`,
      width > 0 ? `<rect x="${LABEL_WIDTH}" y="${y}" width="${width}" height="${BAR_HEIGHT}" fill="${BAR_COLOUR}"></rect>` : '',
      `<text x="${textX}" y="${y + BAR_HEIGHT / 2}" dominant-baseline="central">${escapeXml(bar.text)}</text>`,
      `</g>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" aria-labelledby="${id}-title ${id}-desc"`,
    ` viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet"`,
    ` font-family="&quot;GDS Transport&quot;, arial, sans-serif" font-size="19" fill="${TEXT_COLOUR}">`,
    `<title id="${id}-title">${escapeXml(chart.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(chart.description)}</desc>`,
    `<line x1="${LABEL_WIDTH}" y1="0" x2="${LABEL_WIDTH}" y2="${height}" stroke="${TEXT_COLOUR}" stroke-width="1"></line>`,
    ...rows,
    `</svg>`,
  ].join('');
}
