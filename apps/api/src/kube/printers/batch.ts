/**
 * batch/v1: jobs and cronjobs (`printJob`, `printCronJob` in pkg/printers/internalversion/printers.go,
 * release-1.32).
 */

import { ageColumn, containersColumn, imagesColumn, nameColumn } from "./columns.ts";
import {
  age,
  humanDuration,
  layoutContainerCells,
  parseTimestamp,
  printBoolPtr,
  translateTimestampSince,
} from "./format.ts";
import {
  arrayAt,
  type JsonObject,
  numberAt,
  objectAt,
  objectsAt,
  optionalBoolAt,
  optionalNumberAt,
  optionalStringAt,
  stringAt,
  valueAt,
} from "./json.ts";
import { formatLabelSelector } from "./label-selector.ts";
import type { Printer, TableColumn } from "./types.ts";

const jobColumns: readonly TableColumn[] = [
  nameColumn,
  { name: "Status", type: "string", format: "", description: "Status of the job.", priority: 0 },
  {
    name: "Completions",
    type: "string",
    format: "",
    description:
      "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.",
    priority: 0,
  },
  {
    name: "Duration",
    type: "string",
    format: "",
    description: "Time required to complete the job.",
    priority: 0,
  },
  ageColumn,
  containersColumn,
  imagesColumn,
  {
    name: "Selector",
    type: "string",
    format: "",
    description:
      "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    priority: 1,
  },
];

const cronJobColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Schedule",
    type: "string",
    format: "",
    description: "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
    priority: 0,
  },
  {
    name: "Timezone",
    type: "string",
    format: "",
    description:
      "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones",
    priority: 0,
  },
  {
    name: "Suspend",
    type: "boolean",
    format: "",
    description:
      "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.",
    priority: 0,
  },
  {
    name: "Active",
    type: "integer",
    format: "",
    description: "A list of pointers to currently running jobs.",
    priority: 0,
  },
  {
    name: "Last Schedule",
    type: "string",
    format: "",
    description: "Information when was the last time the job was successfully scheduled.",
    priority: 0,
  },
  ageColumn,
  containersColumn,
  imagesColumn,
  {
    name: "Selector",
    type: "string",
    format: "",
    description:
      "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    priority: 1,
  },
];

const name = (obj: JsonObject): string => stringAt(obj, "metadata", "name");

/** `hasJobCondition`: the first condition of that type decides. */
function hasJobCondition(job: JsonObject, type: string): boolean {
  const condition = objectsAt(job, "status", "conditions").find((c) => stringAt(c, "type") === type);
  return condition !== undefined && stringAt(condition, "status") === "True";
}

function jobStatus(job: JsonObject): string {
  if (hasJobCondition(job, "Complete")) return "Complete";
  if (hasJobCondition(job, "Failed")) return "Failed";
  if (valueAt(job, "metadata", "deletionTimestamp") != null) return "Terminating";
  if (hasJobCondition(job, "Suspended")) return "Suspended";
  if (hasJobCondition(job, "FailureTarget")) return "FailureTarget";
  return "Running";
}

/** `succeeded/completions`; a job without completions counts to 1 (`0/1 of 3` when parallel). */
function jobCompletions(job: JsonObject): string {
  const succeeded = numberAt(job, "status", "succeeded");
  const completions = optionalNumberAt(job, "spec", "completions");
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = numberAt(job, "spec", "parallelism");
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Start to completion, or start to now while running; empty before the job starts. */
function jobDuration(job: JsonObject, now: Date): string {
  const start = parseTimestamp(valueAt(job, "status", "startTime"));
  if (start === undefined) return "";
  const completion = parseTimestamp(valueAt(job, "status", "completionTime"));
  return humanDuration((completion ?? now.getTime()) - start);
}

function jobCells(job: JsonObject, now: Date): unknown[] {
  const { names, images } = layoutContainerCells(objectAt(job, "spec", "template", "spec"));
  return [
    name(job),
    jobStatus(job),
    jobCompletions(job),
    jobDuration(job, now),
    age(job, now),
    names,
    images,
    formatLabelSelector(valueAt(job, "spec", "selector")),
  ];
}

function cronJobCells(cronJob: JsonObject, now: Date): unknown[] {
  const jobSpec = objectAt(cronJob, "spec", "jobTemplate", "spec");
  const { names, images } = layoutContainerCells(objectAt(jobSpec, "template", "spec"));
  const lastSchedule = valueAt(cronJob, "status", "lastScheduleTime");
  return [
    name(cronJob),
    stringAt(cronJob, "spec", "schedule"),
    optionalStringAt(cronJob, "spec", "timeZone") ?? "<none>",
    printBoolPtr(optionalBoolAt(cronJob, "spec", "suspend")),
    arrayAt(cronJob, "status", "active").length,
    lastSchedule == null ? "<none>" : translateTimestampSince(lastSchedule, now),
    age(cronJob, now),
    names,
    images,
    formatLabelSelector(valueAt(jobSpec, "selector")),
  ];
}

/** batch/v1 jobs. */
export const jobPrinter: Printer = { columns: jobColumns, cells: jobCells };

/** batch/v1 cronjobs. */
export const cronJobPrinter: Printer = { columns: cronJobColumns, cells: cronJobCells };
