/**
 * Columns every printer shares. Descriptions are the k8s.io/api v0.32 SwaggerDoc strings upstream
 * reads (`metav1.ObjectMeta{}.SwaggerDoc()["name"]` …) or its literal text.
 */

import type { TableColumn } from "./types.ts";

export const nameColumn: TableColumn = {
  name: "Name",
  type: "string",
  format: "name",
  description:
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
};

export const ageColumn: TableColumn = {
  name: "Age",
  type: "string",
  format: "",
  description:
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  priority: 0,
};

export const containersColumn: TableColumn = {
  name: "Containers",
  type: "string",
  format: "",
  description: "Names of each container in the template.",
  priority: 1,
};

export const imagesColumn: TableColumn = {
  name: "Images",
  type: "string",
  format: "",
  description: "Images referenced by each container in the template.",
  priority: 1,
};
