/**
 * The volume source fields of a v1 Volume, in the order validateVolumeSource checks them (which
 * decides which one "may not specify more than 1 volume type" is reported for).
 */
export const VOLUME_SOURCES = [
  "emptyDir",
  "hostPath",
  "gitRepo",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "flocker",
  "persistentVolumeClaim",
  "rbd",
  "cinder",
  "cephfs",
  "quobyte",
  "downwardAPI",
  "fc",
  "flexVolume",
  "configMap",
  "azureFile",
  "vsphereVolume",
  "photonPersistentDisk",
  "portworxVolume",
  "azureDisk",
  "storageos",
  "projected",
  "scaleIO",
  "csi",
  "ephemeral",
] as const;

export type VolumeSourceName = (typeof VOLUME_SOURCES)[number];

/** Where upstream reports a second source: its own field name, but for two historical typos. */
export const FORBIDDEN_SOURCE_PATH: Partial<Record<VolumeSourceName, string>> = { downwardAPI: "downwarAPI" };
