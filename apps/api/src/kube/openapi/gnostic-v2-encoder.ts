/**
 * The Swagger 2.0 document as the protobuf message kubectl asks for with `Accept:
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf`: gnostic's `openapi.v2.Document`
 * (github.com/google/gnostic-models openapiv2/OpenAPIv2.proto, the version client-go vendors).
 * Field numbers below are those of that .proto. Vendor extensions travel as YAML text in
 * `Any.yaml`, which kube-openapi's proto reader (pkg/util/proto) parses back.
 */
import { stringify as toYaml } from "yaml";
import { ProtoWriter } from "./protobuf-writer.ts";
import {
  type OperationV2,
  type ParameterV2,
  type PathItemV2,
  type SchemaV2,
  type SwaggerDocument,
  V2_METHODS,
} from "./v2-document.ts";

/** Field numbers of the messages written here, by message (OpenAPIv2.proto). */
const F = {
  Document: { swagger: 1, info: 2, paths: 8, definitions: 9, security: 12, securityDefinitions: 13 },
  Info: { title: 1, version: 2 },
  Paths: { path: 2 },
  NamedPathItem: { name: 1, value: 2 },
  PathItem: { get: 2, put: 3, post: 4, delete: 5, patch: 8, parameters: 9 },
  Operation: {
    tags: 1,
    description: 3,
    operationId: 5,
    produces: 6,
    consumes: 7,
    parameters: 8,
    responses: 9,
    schemes: 10,
    vendorExtension: 13,
  },
  ParametersItem: { parameter: 1 },
  Parameter: { bodyParameter: 1, nonBodyParameter: 2 },
  BodyParameter: { description: 1, name: 2, in: 3, required: 4, schema: 5 },
  NonBodyParameter: { queryParameterSubSchema: 3, pathParameterSubSchema: 4 },
  QueryParameterSubSchema: {
    required: 1,
    in: 2,
    description: 3,
    name: 4,
    type: 6,
    format: 7,
    uniqueItems: 20,
  },
  PathParameterSubSchema: {
    required: 1,
    in: 2,
    description: 3,
    name: 4,
    type: 5,
    format: 6,
    uniqueItems: 19,
  },
  Responses: { responseCode: 1 },
  NamedResponseValue: { name: 1, value: 2 },
  ResponseValue: { response: 1 },
  Response: { description: 1, schema: 2 },
  SchemaItem: { schema: 1 },
  Definitions: { additionalProperties: 1 },
  NamedSchema: { name: 1, value: 2 },
  Schema: {
    ref: 1,
    format: 2,
    description: 4,
    required: 19,
    additionalProperties: 21,
    type: 22,
    items: 23,
    properties: 25,
    vendorExtension: 31,
  },
  AdditionalPropertiesItem: { schema: 1 },
  TypeItem: { value: 1 },
  ItemsItem: { schema: 1 },
  Properties: { additionalProperties: 1 },
  NamedAny: { name: 1, value: 2 },
  Any: { yaml: 2 },
  SecurityRequirement: { additionalProperties: 1 },
  NamedStringArray: { name: 1, value: 2 },
  StringArray: { value: 1 },
  SecurityDefinitions: { additionalProperties: 1 },
  NamedSecurityDefinitionsItem: { name: 1, value: 2 },
  SecurityDefinitionsItem: { apiKeySecurity: 2 },
  ApiKeySecurity: { type: 1, name: 2, in: 3, description: 4 },
} as const;

function vendorExtension(w: ProtoWriter, field: number, name: string, value: unknown): void {
  w.message(field, (named) =>
    named
      .string(F.NamedAny.name, name)
      .message(F.NamedAny.value, (any) => any.string(F.Any.yaml, toYaml(value))),
  );
}

function writeSchema(w: ProtoWriter, schema: SchemaV2): void {
  w.string(F.Schema.ref, schema.$ref)
    .string(F.Schema.format, schema.format)
    .string(F.Schema.description, schema.description)
    .strings(F.Schema.required, schema.required);
  const { additionalProperties, items, properties, type } = schema;
  if (additionalProperties) {
    w.message(F.Schema.additionalProperties, (item) =>
      item.message(F.AdditionalPropertiesItem.schema, (s) => writeSchema(s, additionalProperties)),
    );
  }
  if (type !== undefined) w.message(F.Schema.type, (t) => t.strings(F.TypeItem.value, [type]));
  if (items)
    w.message(F.Schema.items, (list) => list.message(F.ItemsItem.schema, (s) => writeSchema(s, items)));
  if (properties) {
    w.message(F.Schema.properties, (props) => {
      for (const [name, value] of Object.entries(properties)) {
        props.message(F.Properties.additionalProperties, (named) =>
          named.string(F.NamedSchema.name, name).message(F.NamedSchema.value, (s) => writeSchema(s, value)),
        );
      }
    });
  }
  const gvks = schema["x-kubernetes-group-version-kind"];
  if (gvks) vendorExtension(w, F.Schema.vendorExtension, "x-kubernetes-group-version-kind", gvks);
}

function writeParameter(w: ProtoWriter, parameter: ParameterV2): void {
  w.message(F.ParametersItem.parameter, (p) => {
    if (parameter.in === "body") {
      const { schema } = parameter;
      p.message(F.Parameter.bodyParameter, (body) =>
        body
          .string(F.BodyParameter.name, parameter.name)
          .string(F.BodyParameter.in, parameter.in)
          .bool(F.BodyParameter.required, parameter.required)
          .message(F.BodyParameter.schema, (s) => writeSchema(s, schema)),
      );
      return;
    }
    const sub = parameter.in === "query" ? F.QueryParameterSubSchema : F.PathParameterSubSchema;
    const which =
      parameter.in === "query"
        ? F.NonBodyParameter.queryParameterSubSchema
        : F.NonBodyParameter.pathParameterSubSchema;
    p.message(F.Parameter.nonBodyParameter, (nonBody) =>
      nonBody.message(which, (q) =>
        q
          .bool(sub.required, parameter.required)
          .string(sub.in, parameter.in)
          .string(sub.description, parameter.description)
          .string(sub.name, parameter.name)
          .string(sub.type, parameter.type)
          .bool(sub.uniqueItems, parameter.uniqueItems),
      ),
    );
  });
}

function writeOperation(w: ProtoWriter, op: OperationV2): void {
  w.strings(F.Operation.tags, op.tags)
    .string(F.Operation.description, op.description)
    .string(F.Operation.operationId, op.operationId)
    .strings(F.Operation.produces, op.produces)
    .strings(F.Operation.consumes, op.consumes);
  for (const parameter of op.parameters ?? []) {
    w.message(F.Operation.parameters, (item) => writeParameter(item, parameter));
  }
  w.message(F.Operation.responses, (responses) => {
    for (const [code, response] of Object.entries(op.responses)) {
      responses.message(F.Responses.responseCode, (named) =>
        named.string(F.NamedResponseValue.name, code).message(F.NamedResponseValue.value, (value) =>
          value.message(F.ResponseValue.response, (r) => {
            r.string(F.Response.description, response.description);
            const { schema } = response;
            if (schema)
              r.message(F.Response.schema, (item) =>
                item.message(F.SchemaItem.schema, (s) => writeSchema(s, schema)),
              );
          }),
        ),
      );
    }
  });
  w.strings(F.Operation.schemes, op.schemes);
  vendorExtension(w, F.Operation.vendorExtension, "x-kubernetes-action", op["x-kubernetes-action"]);
  vendorExtension(
    w,
    F.Operation.vendorExtension,
    "x-kubernetes-group-version-kind",
    op["x-kubernetes-group-version-kind"],
  );
}

function writePathItem(w: ProtoWriter, item: PathItemV2): void {
  for (const method of V2_METHODS) {
    const op = item[method];
    if (op) w.message(F.PathItem[method], (o) => writeOperation(o, op));
  }
  for (const parameter of item.parameters) {
    w.message(F.PathItem.parameters, (p) => writeParameter(p, parameter));
  }
}

/** The document as a serialized `openapi.v2.Document`. */
export function encodeGnosticDocument(doc: SwaggerDocument): Buffer {
  const w = new ProtoWriter();
  w.string(F.Document.swagger, doc.swagger);
  w.message(F.Document.info, (info) =>
    info.string(F.Info.title, doc.info.title).string(F.Info.version, doc.info.version),
  );
  w.message(F.Document.paths, (paths) => {
    for (const [name, item] of Object.entries(doc.paths)) {
      paths.message(F.Paths.path, (named) =>
        named
          .string(F.NamedPathItem.name, name)
          .message(F.NamedPathItem.value, (v) => writePathItem(v, item)),
      );
    }
  });
  w.message(F.Document.definitions, (definitions) => {
    for (const [name, schema] of Object.entries(doc.definitions)) {
      definitions.message(F.Definitions.additionalProperties, (named) =>
        named.string(F.NamedSchema.name, name).message(F.NamedSchema.value, (s) => writeSchema(s, schema)),
      );
    }
  });
  for (const requirement of doc.security) {
    w.message(F.Document.security, (sr) => {
      for (const [name, scopes] of Object.entries(requirement)) {
        sr.message(F.SecurityRequirement.additionalProperties, (named) =>
          named
            .string(F.NamedStringArray.name, name)
            .message(F.NamedStringArray.value, (array) => array.strings(F.StringArray.value, scopes)),
        );
      }
    });
  }
  w.message(F.Document.securityDefinitions, (defs) => {
    for (const [name, scheme] of Object.entries(doc.securityDefinitions)) {
      defs.message(F.SecurityDefinitions.additionalProperties, (named) =>
        named
          .string(F.NamedSecurityDefinitionsItem.name, name)
          .message(F.NamedSecurityDefinitionsItem.value, (item) =>
            item.message(F.SecurityDefinitionsItem.apiKeySecurity, (key) =>
              key
                .string(F.ApiKeySecurity.type, scheme.type)
                .string(F.ApiKeySecurity.name, scheme.name)
                .string(F.ApiKeySecurity.in, scheme.in)
                .string(F.ApiKeySecurity.description, scheme.description),
            ),
          ),
      );
    }
  });
  return w.finish();
}
