import { z } from "zod";

/** DNS-1123 label, as Kubernetes names namespaces: what a cluster name must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CPU = /^([0-9]+(\.[0-9]+)?|[0-9]+m)$/;
const MEMORY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

export const MAX_NODES = 50;

export const signupBody = z.strictObject({
  email: z.string().trim().max(254).email("email must be a valid email address"),
});

export const createTokenBody = z.strictObject({
  name: z.string().trim().min(1, "name must not be empty").max(100),
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 86_400)
    .optional(),
});

export const createClusterBody = z.strictObject({
  name: z
    .string()
    .max(63, "name must be no more than 63 characters")
    .regex(
      DNS_LABEL,
      "name must be a DNS-1123 label: lower case alphanumeric characters or '-', starting and ending with an alphanumeric character (e.g. 'my-name')",
    ),
  nodes: z
    .strictObject({
      count: z.number().int().min(1).max(MAX_NODES).default(3),
      cpu: z.string().regex(CPU, 'nodes.cpu must be a CPU quantity such as "4" or "1500m"').default("4"),
      memory: z
        .string()
        .regex(MEMORY, 'nodes.memory must be a memory quantity such as "8Gi" or "512Mi"')
        .default("8Gi"),
    })
    .default({ count: 3, cpu: "4", memory: "8Gi" }),
  speed: z.enum(["realistic", "instant"]).default("realistic"),
  // Its range comes from the configuration (MIN/MAX_CLUSTER_TTL_SECONDS), checked by the service.
  ttlSeconds: z.number().optional(),
});

export const patchClusterBody = z.strictObject({
  ttlSeconds: z.number(),
});

export type CreateClusterBody = z.infer<typeof createClusterBody>;
