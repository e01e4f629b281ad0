/**
 * PersistentVolumes and PersistentVolumeClaims: upstream `printPersistentVolume` and
 * `printPersistentVolumeClaim` (pkg/printers/internalversion/printers.go, release-1.32).
 */

import { ageColumn, nameColumn } from "./columns.ts";
import { age } from "./format.ts";
import {
  arrayAt,
  type JsonObject,
  objectAt,
  optionalObjectAt,
  optionalStringAt,
  stringAt,
  valueAt,
} from "./json.ts";
import { quantityString } from "./quantity.ts";
import type { Printer, TableColumn } from "./types.ts";

const BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

const persistentVolumeColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Capacity",
    type: "string",
    format: "",
    description:
      "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity",
    priority: 0,
  },
  {
    name: "Access Modes",
    type: "string",
    format: "",
    description:
      "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes",
    priority: 0,
  },
  {
    name: "Reclaim Policy",
    type: "string",
    format: "",
    description:
      "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming",
    priority: 0,
  },
  {
    name: "Status",
    type: "string",
    format: "",
    description:
      "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase",
    priority: 0,
  },
  {
    name: "Claim",
    type: "string",
    format: "",
    description:
      "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding",
    priority: 0,
  },
  { name: "StorageClass", type: "string", format: "", description: "StorageClass of the pv", priority: 0 },
  {
    name: "VolumeAttributesClass",
    type: "string",
    format: "",
    description: "VolumeAttributesClass of the pv",
    priority: 0,
  },
  {
    name: "Reason",
    type: "string",
    format: "",
    description:
      "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.",
    priority: 0,
  },
  ageColumn,
  {
    name: "VolumeMode",
    type: "string",
    format: "",
    description:
      "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.",
    priority: 1,
  },
];

const persistentVolumeClaimColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Status",
    type: "string",
    format: "",
    description: "phase represents the current phase of PersistentVolumeClaim.",
    priority: 0,
  },
  {
    name: "Volume",
    type: "string",
    format: "",
    description: "volumeName is the binding reference to the PersistentVolume backing this claim.",
    priority: 0,
  },
  {
    name: "Capacity",
    type: "string",
    format: "",
    description: "capacity represents the actual resources of the underlying volume.",
    priority: 0,
  },
  {
    name: "Access Modes",
    type: "string",
    format: "",
    description:
      "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1",
    priority: 0,
  },
  { name: "StorageClass", type: "string", format: "", description: "StorageClass of the pvc", priority: 0 },
  {
    name: "VolumeAttributesClass",
    type: "string",
    format: "",
    description: "VolumeAttributesClass of the pvc",
    priority: 0,
  },
  ageColumn,
  {
    name: "VolumeMode",
    type: "string",
    format: "",
    description:
      "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.",
    priority: 1,
  },
];

/** `helper.GetAccessModesAsString`: `RWO,ROX,RWX,RWOP` in that fixed order, duplicates dropped. */
export function accessModesString(modes: unknown): string {
  const present = new Set(Array.isArray(modes) ? modes : []);
  const short: [string, string][] = [
    ["ReadWriteOnce", "RWO"],
    ["ReadOnlyMany", "ROX"],
    ["ReadWriteMany", "RWX"],
    ["ReadWriteOncePod", "RWOP"],
  ];
  return short
    .filter(([mode]) => present.has(mode))
    .map(([, abbreviation]) => abbreviation)
    .join(",");
}

/** The beta storage-class annotation, when present, wins over the spec field. */
function storageClass(obj: JsonObject): string {
  const annotation = optionalStringAt(obj, "metadata", "annotations", BETA_STORAGE_CLASS_ANNOTATION);
  return annotation ?? stringAt(obj, "spec", "storageClassName");
}

function phaseOrTerminating(obj: JsonObject): string {
  return valueAt(obj, "metadata", "deletionTimestamp") != null
    ? "Terminating"
    : stringAt(obj, "status", "phase");
}

function persistentVolumeCells(pv: JsonObject, now: Date): unknown[] {
  const spec = objectAt(pv, "spec");
  const claimRef = optionalObjectAt(spec, "claimRef");
  return [
    stringAt(pv, "metadata", "name"),
    quantityString(valueAt(spec, "capacity", "storage")),
    accessModesString(arrayAt(spec, "accessModes")),
    stringAt(spec, "persistentVolumeReclaimPolicy"),
    phaseOrTerminating(pv),
    claimRef ? `${stringAt(claimRef, "namespace")}/${stringAt(claimRef, "name")}` : "",
    storageClass(pv),
    optionalStringAt(spec, "volumeAttributesClassName") ?? "<unset>",
    stringAt(pv, "status", "reason"),
    age(pv, now),
    optionalStringAt(spec, "volumeMode") ?? "<unset>",
  ];
}

function persistentVolumeClaimCells(pvc: JsonObject, now: Date): unknown[] {
  const spec = objectAt(pvc, "spec");
  const volumeName = stringAt(spec, "volumeName");
  // Capacity and access modes are only shown once the claim is bound to a volume.
  const bound = volumeName !== "";
  return [
    stringAt(pvc, "metadata", "name"),
    phaseOrTerminating(pvc),
    volumeName,
    bound ? quantityString(valueAt(pvc, "status", "capacity", "storage")) : "",
    bound ? accessModesString(arrayAt(pvc, "status", "accessModes")) : "",
    storageClass(pvc),
    optionalStringAt(spec, "volumeAttributesClassName") ?? "<unset>",
    age(pvc, now),
    optionalStringAt(spec, "volumeMode") ?? "<unset>",
  ];
}

/** core/v1 persistentvolumes. */
export const persistentVolumePrinter: Printer = {
  columns: persistentVolumeColumns,
  cells: persistentVolumeCells,
};

/** core/v1 persistentvolumeclaims. */
export const persistentVolumeClaimPrinter: Printer = {
  columns: persistentVolumeClaimColumns,
  cells: persistentVolumeClaimCells,
};
