import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cronScheduleError, nextActivation, parseCronSchedule } from "./schedule.ts";

/** Error texts of github.com/robfig/cron/v3 ParseStandard (parser.go), which CronJob validation returns. */
describe("cron schedules", () => {
  test("accepted forms", () => {
    for (const s of [
      "*/5 * * * *",
      "0 0 * * 0",
      "15 3 1-7 jan,jul mon-fri",
      "? * * * *",
      "@hourly",
      "@every 1h30m",
      "0 0 1 */3 *",
    ]) {
      assert.equal(cronScheduleError(s), undefined, s);
    }
  });

  test("robfig/cron messages", () => {
    assert.equal(cronScheduleError("hello"), "expected exactly 5 fields, found 1: [hello]");
    assert.equal(cronScheduleError("* * * * * *"), "expected exactly 5 fields, found 6: [* * * * * *]");
    assert.equal(cronScheduleError("60 * * * *"), "end of range (60) above maximum (59): 60");
    assert.equal(cronScheduleError("* * 0 * *"), "beginning of range (0) below minimum (1): 0");
    assert.equal(cronScheduleError("5-1 * * * *"), "beginning of range (5) beyond end of range (1): 5-1");
    assert.equal(cronScheduleError("*/0 * * * *"), "step of range should be a positive number: */0");
    assert.equal(
      cronScheduleError("a * * * *"),
      'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax',
    );
    assert.equal(cronScheduleError("1-2-3 * * * *"), "too many hyphens: 1-2-3");
    assert.equal(cronScheduleError("@reboot"), "unrecognized descriptor: @reboot");
    assert.equal(
      cronScheduleError("@every 5x"),
      'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"',
    );
    assert.equal(cronScheduleError("* * * * 7"), "end of range (7) above maximum (6): 7");
  });

  test("next activations", () => {
    const after = new Date("2025-03-10T10:07:30Z");
    assert.equal(
      nextActivation(parseCronSchedule("*/5 * * * *"), after)?.toISOString(),
      "2025-03-10T10:10:00.000Z",
    );
    assert.equal(
      nextActivation(parseCronSchedule("0 0 * * 0"), after)?.toISOString(),
      "2025-03-16T00:00:00.000Z",
    );
    assert.equal(
      nextActivation(parseCronSchedule("@monthly"), after)?.toISOString(),
      "2025-04-01T00:00:00.000Z",
    );
    // Both day fields restricted: either matches (the 13th is a Thursday, before Friday the 14th).
    assert.equal(
      nextActivation(parseCronSchedule("0 12 13 * 5"), after)?.toISOString(),
      "2025-03-13T12:00:00.000Z",
    );
    assert.equal(nextActivation(parseCronSchedule("0 0 30 2 *"), after), undefined);
  });
});
