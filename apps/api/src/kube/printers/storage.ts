/** storage.k8s.io/v1 storageclasses (`printStorageClass`, pkg/printers/internalversion/printers.go, release-1.32). */

import { ageColumn, nameColumn } from "./columns.ts";
import { age } from "./format.ts";
import { type JsonObject, optionalBoolAt, optionalStringAt, stringAt } from "./json.ts";
import type { Printer, TableColumn } from "./types.ts";

const DEFAULT_CLASS_ANNOTATIONS = [
  "storageclass.kubernetes.io/is-default-class",
  "storageclass.beta.kubernetes.io/is-default-class",
];

const storageClassColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Provisioner",
    type: "string",
    format: "",
    description: "provisioner indicates the type of the provisioner.",
    priority: 0,
  },
  {
    name: "ReclaimPolicy",
    type: "string",
    format: "",
    description:
      "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.",
    priority: 0,
  },
  {
    name: "VolumeBindingMode",
    type: "string",
    format: "",
    description:
      "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.",
    priority: 0,
  },
  {
    name: "AllowVolumeExpansion",
    type: "string",
    format: "",
    description: "allowVolumeExpansion shows whether the storage class allow volume expand.",
    priority: 0,
  },
  ageColumn,
];

/** The class name, with ` (default)` when either is-default-class annotation is `"true"`. */
function storageClassName(sc: JsonObject): string {
  const name = stringAt(sc, "metadata", "name");
  const isDefault = DEFAULT_CLASS_ANNOTATIONS.some(
    (key) => optionalStringAt(sc, "metadata", "annotations", key) === "true",
  );
  return isDefault ? `${name} (default)` : name;
}

/** storage.k8s.io/v1 storageclasses; unset policies print as their API defaults. */
export const storageClassPrinter: Printer = {
  columns: storageClassColumns,
  cells: (sc, now) => [
    storageClassName(sc),
    stringAt(sc, "provisioner"),
    optionalStringAt(sc, "reclaimPolicy") ?? "Delete",
    optionalStringAt(sc, "volumeBindingMode") ?? "Immediate",
    optionalBoolAt(sc, "allowVolumeExpansion") ?? false,
    age(sc, now),
  ],
};
