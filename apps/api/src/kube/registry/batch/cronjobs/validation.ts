import type { KubeObject } from "../../../object/types.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import { invalidField, notSupportedField, requiredField } from "../../../validation/field-errors.ts";
import { invalidRendered, maxLenError, nonNegative } from "../../support/field-rules.ts";
import { goLabelSelector } from "../../support/go-values.ts";
import { type JsonObject, objectAt } from "../../support/json.ts";
import { validateJobSpecFields } from "../jobs/spec-validation.ts";
import { cronScheduleError, isKnownTimeZone } from "./schedule.ts";

const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone: an IANA name, not Local, loadable. */
function validateTimeZone(timeZone: unknown, path: string): FieldError[] {
  if (timeZone === undefined || timeZone === null) return [];
  const tz = typeof timeZone === "string" ? timeZone : "";
  if (tz.length === 0) return [invalidField(path, tz, "timeZone must be nil or non-empty string")];
  for (const part of tz.split("/")) {
    if (part === "." || part === ".." || part.startsWith("-") || !TIME_ZONE_PART.test(part)) {
      return [invalidField(path, tz, `unknown time zone ${tz}`)];
    }
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === "local") {
    errs.push(
      invalidField(
        path,
        tz,
        "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
      ),
    );
  }
  if (!isKnownTimeZone(tz)) errs.push(invalidField(path, tz, `unknown time zone ${tz}`));
  return errs;
}

/** validateScheduleFormat: robfig/cron's verdict, and no TZ= prefix unless the old schedule had one. */
function validateSchedule(schedule: string, allowTZ: boolean, timeZone: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const error = cronScheduleError(schedule);
  if (error !== undefined) errs.push(invalidField(path, schedule, error));
  const hasTZ = schedule.includes("TZ");
  if (allowTZ && hasTZ && timeZone !== undefined && timeZone !== null) {
    errs.push(invalidField(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
  } else if (!allowTZ && hasTZ) {
    errs.push(
      invalidField(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
    );
  }
  return errs;
}

/** ValidateJobTemplateSpec: a valid job spec whose selector the controller will generate. */
function validateJobTemplate(template: JsonObject, path: string): FieldError[] {
  const spec = objectAt(template, "spec") ?? {};
  const errs = validateJobSpecFields(spec, `${path}.spec`);
  const selector = objectAt(spec, "selector");
  if (selector !== undefined) {
    errs.push(
      invalidRendered(
        `${path}.spec.selector`,
        goLabelSelector(selector),
        "`selector` will be auto-generated",
      ),
    );
  }
  if (spec.manualSelector === true) {
    errs.push(notSupportedField(`${path}.spec.manualSelector`, true, ["nil", "false"]));
  }
  return errs;
}

/** validateCronJobSpec (pkg/apis/batch/validation/validation.go, release-1.32). */
function validateCronJobSpec(spec: JsonObject, prevSpec: JsonObject | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = typeof spec.schedule === "string" ? spec.schedule : "";
  if (schedule.length === 0) errs.push(requiredField(`${path}.schedule`));
  else {
    const allowTZ = typeof prevSpec?.schedule === "string" && prevSpec.schedule.includes("TZ");
    errs.push(...validateSchedule(schedule, allowTZ, spec.timeZone, `${path}.schedule`));
  }
  errs.push(...nonNegative(`${path}.startingDeadlineSeconds`, spec.startingDeadlineSeconds));
  if (prevSpec === undefined || prevSpec.timeZone !== spec.timeZone) {
    errs.push(...validateTimeZone(spec.timeZone, `${path}.timeZone`));
  }
  const policy = spec.concurrencyPolicy ?? "";
  if (policy === "") errs.push(requiredField(`${path}.concurrencyPolicy`));
  else if (!["Allow", "Forbid", "Replace"].includes(policy as string)) {
    errs.push(notSupportedField(`${path}.concurrencyPolicy`, policy, ["Allow", "Forbid", "Replace"]));
  }
  errs.push(...validateJobTemplate(objectAt(spec, "jobTemplate") ?? {}, `${path}.jobTemplate`));
  errs.push(...nonNegative(`${path}.successfulJobsHistoryLimit`, spec.successfulJobsHistoryLimit));
  errs.push(...nonNegative(`${path}.failedJobsHistoryLimit`, spec.failedJobsHistoryLimit));
  return errs;
}

/** The controller appends an 11-character `-<minutes>` suffix; Job names stop at 63. */
const MAX_CRONJOB_NAME = 63 - 11;

/** ValidateCronJobCreate, without the generic metadata checks. */
export function validateCronJob(obj: KubeObject): FieldError[] {
  const errs = validateCronJobSpec(objectAt(obj, "spec") ?? {}, undefined, "spec");
  const name = obj.metadata.name ?? "";
  if (name.length > MAX_CRONJOB_NAME)
    errs.push(invalidField("metadata.name", name, maxLenError(MAX_CRONJOB_NAME)));
  return errs;
}

/** ValidateCronJobUpdate: no name length check, so old long-named CronJobs stay editable. */
export function validateCronJobUpdate(next: KubeObject, prev: KubeObject): FieldError[] {
  return validateCronJobSpec(objectAt(next, "spec") ?? {}, objectAt(prev, "spec") ?? {}, "spec");
}
