import { promises as fs } from 'node:fs';
import { createCanvas } from '@napi-rs/canvas';
import type { ScaleTier } from './bench-scale.ts';

/**
 * The growth plot of docs/performance.md: one small log-log panel per cost (search,
 * load, RSS, build) against the number of chunks, drawn with @napi-rs/canvas (prebuilt
 * Skia, no system libraries) so the bench writes a PNG without a browser.
 */
interface Series {
  label: string;
  color: string;
  values: number[];
}

interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const WIDTH = 1000;
const HEIGHT = 720;

export async function plotScale(tiers: ScaleTier[], file: string): Promise<void> {
  const panels: Panel[] = [
    {
      title: 'hybrid search (no embedding)',
      unit: 'ms',
      series: [
        { label: 'p50', color: '#2563eb', values: tiers.map((tier) => tier.searchP50Ms) },
        { label: 'p95', color: '#dc2626', values: tiers.map((tier) => tier.searchP95Ms) },
        { label: 'BM25 p95', color: '#16a34a', values: tiers.map((tier) => tier.lexicalP95Ms) },
      ],
    },
    { title: 'index load', unit: 's', series: [{ label: 'load', color: '#2563eb', values: tiers.map((tier) => tier.loadSeconds) }] },
    { title: 'resident memory after load', unit: 'MB', series: [{ label: 'RSS', color: '#2563eb', values: tiers.map((tier) => tier.rssMb) }] },
    {
      title: 'index build (embedding excluded)',
      unit: 's',
      series: [
        { label: 'total', color: '#2563eb', values: tiers.map((tier) => tier.buildSeconds) },
        { label: 'BM25', color: '#16a34a', values: tiers.map((tier) => tier.lexicalBuildSeconds) },
        { label: 'HNSW', color: '#dc2626', values: tiers.map((tier) => tier.vectorBuildSeconds) },
      ],
    },
  ];
  const canvas = createCanvas(WIDTH, HEIGHT);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, WIDTH, HEIGHT);
  context.fillStyle = '#111827';
  context.font = 'bold 18px sans-serif';
  context.fillText('paperchat: cost as the corpus grows (log-log; chunks = vector units, 10 per paper)', 20, 28);

  const chunks = tiers.map((tier) => tier.chunks);
  const xMin = Math.log10(Math.min(...chunks)) - 0.15;
  const xMax = Math.log10(Math.max(...chunks)) + 0.15;
  panels.forEach((panel, position) => {
    const left = 70 + (position % 2) * 490;
    const top = 60 + Math.floor(position / 2) * 330;
    const width = 400;
    const height = 240;
    const values = panel.series.flatMap((series) => series.values).filter((value) => value > 0 && Number.isFinite(value));
    const yMin = Math.floor(Math.log10(Math.min(...values)));
    const yMax = Math.ceil(Math.log10(Math.max(...values))) + (Math.min(...values) === Math.max(...values) ? 1 : 0);
    const x = (value: number) => left + ((Math.log10(value) - xMin) / (xMax - xMin)) * width;
    const y = (value: number) => top + height - ((Math.log10(value) - yMin) / (yMax - yMin || 1)) * height;

    context.strokeStyle = '#9ca3af';
    context.lineWidth = 1;
    context.strokeRect(left, top, width, height);
    context.font = '12px sans-serif';
    context.fillStyle = '#374151';
    for (let power = yMin; power <= yMax; power++) {
      const at = y(10 ** power);
      context.strokeStyle = '#e5e7eb';
      context.beginPath();
      context.moveTo(left, at);
      context.lineTo(left + width, at);
      context.stroke();
      context.fillText(`${10 ** power}`, left - 8 - context.measureText(`${10 ** power}`).width, at + 4);
    }
    for (const value of chunks) {
      const label = value >= 1e6 ? `${value / 1e6}M` : `${value / 1e3}k`;
      context.fillText(label, x(value) - context.measureText(label).width / 2, top + height + 16);
    }
    context.font = 'bold 14px sans-serif';
    context.fillStyle = '#111827';
    context.fillText(`${panel.title} (${panel.unit})`, left, top - 8);

    panel.series.forEach((series, index) => {
      context.strokeStyle = series.color;
      context.fillStyle = series.color;
      context.lineWidth = 2;
      context.beginPath();
      series.values.forEach((value, point) => {
        if (!(value > 0)) return;
        if (point === 0) context.moveTo(x(chunks[point]!), y(value));
        else context.lineTo(x(chunks[point]!), y(value));
      });
      context.stroke();
      series.values.forEach((value, point) => {
        if (!(value > 0)) return;
        context.beginPath();
        context.arc(x(chunks[point]!), y(value), 3.5, 0, Math.PI * 2);
        context.fill();
      });
      context.font = '12px sans-serif';
      context.fillText(series.label, left + 10 + index * 80, top + 16);
    });
  });
  await fs.writeFile(file, canvas.toBuffer('image/png'));
}
