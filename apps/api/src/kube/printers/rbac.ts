/**
 * rbac.authorization.k8s.io/v1 rolebindings and clusterrolebindings (`printRoleBinding`,
 * `printClusterRoleBinding`). Roles and clusterroles have no upstream printer: they get the default
 * table (Name, Created At).
 */

import { ageColumn, nameColumn } from "./columns.ts";
import { age } from "./format.ts";
import { type JsonObject, objectsAt, stringAt } from "./json.ts";
import type { Printer, TableColumn } from "./types.ts";

const roleBindingColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Role",
    type: "string",
    format: "",
    description:
      "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.",
    priority: 0,
  },
  ageColumn,
  { name: "Users", type: "string", format: "", description: "Users in the roleBinding", priority: 1 },
  { name: "Groups", type: "string", format: "", description: "Groups in the roleBinding", priority: 1 },
  {
    name: "ServiceAccounts",
    type: "string",
    format: "",
    description: "ServiceAccounts in the roleBinding",
    priority: 1,
  },
];

const clusterRoleBindingColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Role",
    type: "string",
    format: "",
    description:
      "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.",
    priority: 0,
  },
  ageColumn,
  { name: "Users", type: "string", format: "", description: "Users in the clusterRoleBinding", priority: 1 },
  {
    name: "Groups",
    type: "string",
    format: "",
    description: "Groups in the clusterRoleBinding",
    priority: 1,
  },
  {
    name: "ServiceAccounts",
    type: "string",
    format: "",
    description: "ServiceAccounts in the clusterRoleBinding",
    priority: 1,
  },
];

/** `rbac.SubjectsStrings`: users, groups and `namespace/name` service accounts, each `, `-joined. */
function subjects(binding: JsonObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const subject of objectsAt(binding, "subjects")) {
    const name = stringAt(subject, "name");
    switch (stringAt(subject, "kind")) {
      case "ServiceAccount":
        serviceAccounts.push(`${stringAt(subject, "namespace")}/${name}`);
        break;
      case "User":
        users.push(name);
        break;
      case "Group":
        groups.push(name);
        break;
    }
  }
  return [users.join(", "), groups.join(", "), serviceAccounts.join(", ")];
}

function bindingCells(binding: JsonObject, now: Date): unknown[] {
  return [
    stringAt(binding, "metadata", "name"),
    `${stringAt(binding, "roleRef", "kind")}/${stringAt(binding, "roleRef", "name")}`,
    age(binding, now),
    ...subjects(binding),
  ];
}

/** rbac.authorization.k8s.io/v1 rolebindings. */
export const roleBindingPrinter: Printer = { columns: roleBindingColumns, cells: bindingCells };

/** rbac.authorization.k8s.io/v1 clusterrolebindings. */
export const clusterRoleBindingPrinter: Printer = { columns: clusterRoleBindingColumns, cells: bindingCells };
