/**
 * The pod spec contract other kinds build on: Deployments, ReplicaSets, StatefulSets, DaemonSets,
 * Jobs and CronJobs default and validate their templates with these, exactly as their upstream
 * strategies call SetDefaults_PodSpec and ValidatePodTemplateSpec. Names here are stable.
 */
export { defaultPod, defaultPodSpec, defaultPodTemplate } from "./pod-spec-defaults.ts";
export {
  type PodSpecValidationOptions,
  validatePodSpec,
  validatePodTemplateSpec,
} from "./pod-spec-validation.ts";
