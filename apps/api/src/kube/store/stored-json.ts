/** A read's type fields: what the requested version calls the kind. */
export interface TypeMeta {
  apiVersion: string;
  kind: string;
}

/** How the stored JSON of an object of `typeMeta` begins: its type fields first. */
export function typeMetaPrefix(typeMeta: TypeMeta): string {
  return `{"apiVersion":${JSON.stringify(typeMeta.apiVersion)},"kind":${JSON.stringify(typeMeta.kind)},`;
}

/**
 * A stored object's JSON with `typeMeta` as a read labels it. Stored objects begin with it (cheap to
 * check); the odd one that does not is relabelled.
 */
export function labelled(text: string, typeMeta: TypeMeta): string {
  return text.startsWith(typeMetaPrefix(typeMeta)) ? text : relabel(text, typeMeta);
}

/** labelled() of stored bytes; `prefix` is typeMetaPrefix(typeMeta) as bytes, made once per list. */
export function labelledBytes(json: Buffer, typeMeta: TypeMeta, prefix: Buffer): Buffer {
  const begins =
    json.length >= prefix.length && json.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
  return begins ? json : Buffer.from(relabel(json.toString("utf8"), typeMeta));
}

function relabel(text: string, typeMeta: TypeMeta): string {
  return JSON.stringify({ ...JSON.parse(text), ...typeMeta });
}
