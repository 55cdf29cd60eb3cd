/**
 * Provenance files (`helm package --sign`): an OpenPGP clear-signed message whose text is the chart's
 * Chart.yaml, a `...` separator and `files: {<name>-<version>.tgz: sha256:<hex>}`. We check that it is
 * well-formed and that it describes this archive (name, version and digest); the signature itself is
 * verified by clients that hold the key (`helm pull --verify`).
 */
import { readCleartextMessage } from 'openpgp';
import { parseAllDocuments } from 'yaml';
import { ChartError } from './errors.ts';
import { archiveName } from './metadata.ts';
import type { InspectedChart } from './chart-archive.ts';

const MAX_PROV_BYTES = 1024 * 1024;

/** The two documents of a provenance file: the chart's Chart.yaml and `files:`. */
async function readProvenance(prov: Buffer): Promise<[Record<string, unknown> | null, Record<string, unknown> | null]> {
  if (prov.length > MAX_PROV_BYTES) throw bad(`it is larger than ${MAX_PROV_BYTES} bytes`);
  let text: string;
  try {
    text = (await readCleartextMessage({ cleartextMessage: prov.toString('utf8') })).getText();
  } catch (err) {
    throw bad(`it is not an OpenPGP clear-signed message (${(err as Error).message})`);
  }
  try {
    const docs = parseAllDocuments(text.replace(/\r\n/g, '\n'));
    const list = Array.isArray(docs) ? docs : [docs];
    return [list[0]?.toJSON() ?? null, list[1]?.toJSON() ?? null];
  } catch (err) {
    throw bad(`its signed text is not YAML (${(err as Error).message})`);
  }
}

/** The chart name and version a provenance file is for. */
export async function provenanceChart(prov: Buffer): Promise<{ name: string; version: string }> {
  const [chartDoc] = await readProvenance(prov);
  if (typeof chartDoc?.name !== 'string' || chartDoc.version === undefined) throw bad('its signed text has no chart name and version');
  return { name: chartDoc.name, version: String(chartDoc.version) };
}

/** Throws ChartError 400 unless `prov` is a clear-signed provenance file for `chart`. */
export async function checkProvenance(prov: Buffer, chart: InspectedChart): Promise<void> {
  const [chartDoc, filesDoc] = await readProvenance(prov);
  const { name, version } = chart.metadata;
  if (chartDoc?.name !== name || String(chartDoc?.version) !== version) throw bad(`it is for chart ${String(chartDoc?.name)} ${String(chartDoc?.version)}, not ${name} ${version}`);
  const files = (filesDoc?.files ?? {}) as Record<string, unknown>;
  const entries = Object.entries(files);
  const sum = files[archiveName(name, version)] ?? (entries.length === 1 ? entries[0][1] : undefined);
  if (typeof sum !== 'string') throw bad(`it lists no checksum for ${archiveName(name, version)}`);
  if (sum.replace(/^sha256:/, '') !== chart.digest) throw bad(`its checksum ${sum} does not match the chart archive (sha256:${chart.digest})`);
}

function bad(why: string): ChartError {
  return new ChartError(400, 'BadRequest', `invalid provenance file: ${why}`);
}
