/** The ServiceAccount strategy: metadata validation only (ValidateServiceAccount, release-1.32). */
import type { Strategy } from "../../types.ts";

export const serviceAccountStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
};
