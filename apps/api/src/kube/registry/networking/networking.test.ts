import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { KubeObject } from "../../object/types.ts";
import { createThrough, updateThrough } from "../support/strategy-pipeline.ts";
import { ingressClassStrategy } from "./ingressclasses/strategy.ts";
import { admitDefaultIngressClass, DEFAULT_INGRESS_CLASS_ANNOTATION } from "./ingresses/default-class.ts";
import { ingressStrategy } from "./ingresses/strategy.ts";
import { networkPolicyStrategy } from "./networkpolicies/strategy.ts";

function kubectlCreateIngress(): KubeObject {
  const url = new URL("../../protobuf/testdata/create-ingress.json", import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as KubeObject;
}

type Path = { pathType?: string; path?: string; backend: Record<string, unknown> };

function firstPath(obj: KubeObject): Path {
  const rules = (obj.spec as { rules: { http: { paths: Path[] } }[] }).rules;
  return rules[0]?.http.paths[0] as Path;
}

describe("Ingress strategy", () => {
  test("kubectl create ingress is valid and starts with an empty load balancer status", () => {
    const { obj, errors } = createThrough(ingressStrategy, kubectlCreateIngress());
    assert.deepEqual(errors, []);
    assert.deepEqual(obj.status, { loadBalancer: {} });
    assert.equal(obj.metadata.generation, 1);
  });

  test("pathType is required", () => {
    const body = kubectlCreateIngress();
    delete firstPath(body).pathType;
    assert.deepEqual(createThrough(ingressStrategy, body).errors, [
      "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
    ]);
  });

  test("paths and backends", () => {
    const body = kubectlCreateIngress();
    const path = firstPath(body);
    path.path = "bar/../x";
    path.backend = { service: { name: "1svc", port: {} } };
    assert.deepEqual(createThrough(ingressStrategy, body).errors, [
      'spec.rules[0].http.paths[0].path: Invalid value: "bar/../x": must be an absolute path',
      "spec.rules[0].http.paths[0].path: Invalid value: \"bar/../x\": must not contain '/../'",
      "spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"1svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.rules[0].http.paths[0].backend: Required value: port name or number is required",
    ]);
  });

  test("rules or a default backend", () => {
    const body = kubectlCreateIngress();
    const spec = body.spec as Record<string, unknown>;
    delete spec.rules;
    delete spec.tls;
    assert.deepEqual(createThrough(ingressStrategy, body).errors, [
      "spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified",
    ]);
  });

  test("the class annotation must agree with ingressClassName", () => {
    const body = kubectlCreateIngress();
    body.metadata.annotations = { "kubernetes.io/ingress.class": "traefik" };
    assert.deepEqual(createThrough(ingressStrategy, body).errors, [
      'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
    ]);
  });
});

describe("IngressClass strategy", () => {
  const ingressClass: KubeObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: { name: "nginx" },
    spec: {
      controller: "k8s.io/ingress-nginx",
      parameters: { kind: "IngressParameters", name: "p", apiGroup: "example.com" },
    },
  };

  test("parameters default to cluster scope; the controller is immutable", () => {
    const { obj, errors } = createThrough(ingressClassStrategy, ingressClass);
    assert.deepEqual(errors, []);
    assert.equal((obj.spec as { parameters: { scope: string } }).parameters.scope, "Cluster");
    const next = structuredClone(obj);
    (next.spec as Record<string, unknown>).controller = "example.com/other";
    assert.deepEqual(updateThrough(ingressClassStrategy, obj, next).errors, [
      'spec.controller: Invalid value: "example.com/other": field is immutable',
    ]);
  });

  test("the controller is a domain-prefixed path", () => {
    const body = structuredClone(ingressClass);
    (body.spec as Record<string, unknown>).controller = "nginx";
    assert.deepEqual(createThrough(ingressClassStrategy, body).errors, [
      'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
    ]);
  });
});

describe("NetworkPolicy strategy", () => {
  test("policyTypes and port protocols are defaulted", () => {
    const body: KubeObject = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "np" },
      spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] },
    };
    const { obj, errors } = createThrough(networkPolicyStrategy, body);
    assert.deepEqual(errors, []);
    assert.deepEqual(obj.spec, {
      podSelector: {},
      egress: [{ ports: [{ port: 53, protocol: "TCP" }] }],
      policyTypes: ["Ingress", "Egress"],
    });
  });

  test("peers, CIDRs and ports", () => {
    const body: KubeObject = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "np" },
      spec: {
        podSelector: {},
        ingress: [
          {
            from: [{}, { ipBlock: { cidr: "10.0.0.0/16", except: ["10.1.0.0/24"] }, podSelector: {} }],
            ports: [{ port: 80, endPort: 79 }],
          },
        ],
        policyTypes: ["Ingress", "Egress", "Ingress"],
      },
    };
    assert.deepEqual(createThrough(networkPolicyStrategy, body).errors, [
      "spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`",
      "spec.ingress[0].from[0]: Required value: must specify a peer",
      'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
      "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
      'spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes',
    ]);
  });
});

describe("DefaultIngressClass admission", () => {
  const cls = (name: string, created: string, isDefault: boolean): KubeObject => ({
    metadata: {
      name,
      creationTimestamp: created,
      annotations: isDefault ? { [DEFAULT_INGRESS_CLASS_ANNOTATION]: "true" } : {},
    },
  });
  const classes = [
    cls("old", "2025-01-01T00:00:00Z", true),
    cls("new", "2025-02-01T00:00:00Z", true),
    cls("plain", "2025-03-01T00:00:00Z", false),
  ];

  test("a class-less Ingress gets the newest default class", () => {
    const ingress: KubeObject = { metadata: { name: "i" }, spec: {} };
    admitDefaultIngressClass(ingress, classes);
    assert.equal((ingress.spec as Record<string, unknown>).ingressClassName, "new");
  });

  test("an explicit class, by field or legacy annotation, is left alone", () => {
    const annotated: KubeObject = {
      metadata: { name: "i", annotations: { "kubernetes.io/ingress.class": "x" } },
      spec: {},
    };
    admitDefaultIngressClass(annotated, classes);
    assert.equal((annotated.spec as Record<string, unknown>).ingressClassName, undefined);
  });
});
