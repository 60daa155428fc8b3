/** Extension configs delivered by ECDS (Wasm plugins, telemetry filters): `proxy-config ecds`. */
import { type ConfigDump, type Obj, arr, field, obj, sections, str } from './configdump.js';
import { cmp } from './names.js';
import { stableSort } from './clusters.js';

export interface EcdsRow {
  name: string;
  type: string;
}

/** Every ECDS section merged in dump order (Envoy writes one section per extension type). */
export function ecdsSection(dump: ConfigDump): Obj {
  const filters = sections(dump, 'ecds').flatMap((s) => arr(field(s, 'ecds_filters')));
  return { ecds_filters: filters };
}

/** Sorted by typed_config type, then name; filters whose config is not loaded yet have no type. */
export function ecdsRows(dump: ConfigDump): EcdsRow[] {
  const rows = arr(ecdsSection(dump).ecds_filters).map((f) => {
    const ext = obj(field(obj(f), 'ecds_filter'));
    const typeUrl = str(obj(field(ext, 'typed_config'))['@type']);
    return { name: str(ext.name), typeUrl };
  });
  return stableSort(rows, (a, b) => cmp(a.typeUrl, b.typeUrl) || cmp(a.name, b.name)).map((r) => ({
    name: r.name,
    type: r.typeUrl.replace(/^type\.googleapis\.com\//, ''),
  }));
}
