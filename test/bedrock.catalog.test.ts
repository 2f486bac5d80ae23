import { strict as assert } from "node:assert";
import { GetInferenceProfileCommand } from "@aws-sdk/client-bedrock";
import {
  alternatives,
  CATALOG,
  catalogProblem,
  catalogRegions,
  catalogVerdict,
  lifecycleIn,
  lifecycleWarnings,
  offeredIds,
  parseCatalog,
  splitModelId,
} from "../config/modelCatalog";
import { ConfigError } from "../config/errors";
import { validateStackInput } from "../config/load";
import { refreshCatalog } from "../ops/catalog";
import { BedrockControlPlaneStandIn, regionsOfCatalog, runtimeRefusal } from "./support/bedrock";
import { committedStacks, loadStack, variant } from "./support/stacks";

const day = (text: string) => new Date(`${text}T12:00:00Z`);
const TODAY = day("2026-12-01");

function refused(change: Parameters<typeof variant>[1]): string {
  try {
    validateStackInput(variant("dev", change));
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return assert.fail("accepted");
}

describe("the model catalog", () => {
  it("names, for every row, sources that say what they are and the day they were read", () => {
    for (const [id, model] of Object.entries(CATALOG.models)) {
      assert.ok(model.sources.length > 0, id);
      for (const source of model.sources)
        assert.match(CATALOG.sources[source]?.read ?? "", /^\d{4}-\d{2}-\d{2}$/, `${id}: ${source}`);
    }
    assert.throws(() => parseCatalog({ ...CATALOG, sources: {} }), /names unknown sources/);
  });

  it("reads the ids offered in a region off AWS's model card: Claude Sonnet 5.5 is only global. from Tokyo, us. and global. from Virginia", () => {
    const sonnet = CATALOG.models["anthropic.claude-sonnet-5-5"]!;
    assert.deepEqual(offeredIds("anthropic.claude-sonnet-5-5", sonnet, "ap-northeast-1"), [
      "global.anthropic.claude-sonnet-5-5",
    ]);
    assert.deepEqual(offeredIds("anthropic.claude-sonnet-5-5", sonnet, "us-east-1"), [
      "us.anthropic.claude-sonnet-5-5",
      "global.anthropic.claude-sonnet-5-5",
    ]);
    assert.deepEqual(
      offeredIds("anthropic.claude-sonnet-4-6", CATALOG.models["anthropic.claude-sonnet-4-6"]!, "ap-northeast-1"),
      ["jp.anthropic.claude-sonnet-4-6", "global.anthropic.claude-sonnet-4-6"],
    );
    assert.deepEqual(
      offeredIds("anthropic.claude-sonnet-4-6", CATALOG.models["anthropic.claude-sonnet-4-6"]!, "eu-west-2"),
      ["anthropic.claude-sonnet-4-6", "eu.anthropic.claude-sonnet-4-6", "global.anthropic.claude-sonnet-4-6"],
    );
  });

  it("lists the Japan-only profiles the 2026-10-07 listing shows, and no jp. Sonnet 5 or 5.5", () => {
    const jp = Object.entries(CATALOG.models)
      .filter(([, model]) => model.profiles["jp"]?.includes("ap-northeast-1"))
      .map(([, model]) => model.name)
      .sort();
    assert.deepEqual(jp, [
      "Claude Haiku 4.5",
      "Claude Opus 4.7",
      "Claude Opus 4.8",
      "Claude Opus 5.5",
      "Claude Sonnet 4.5",
      "Claude Sonnet 4.6",
    ]);
  });

  it("tells an id not offered in a region from a model at its end of life there", () => {
    const notOffered = catalogVerdict("jp.anthropic.claude-sonnet-5-5", "ap-northeast-1", TODAY);
    assert.deepEqual(notOffered.kind === "not-offered" && notOffered.offered, ["global.anthropic.claude-sonnet-5-5"]);
    const eol = catalogVerdict("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "us-east-1", TODAY);
    assert.deepEqual(eol.kind === "eol" && [eol.name, eol.since], ["Claude 3.7 Sonnet", "2026-04-28"]);
  });

  it("keeps end of life per region: Claude 3.5 and 3.7 Sonnet still Active where the listing shows them", () => {
    assert.equal(catalogVerdict("apac.anthropic.claude-3-7-sonnet-20250219-v1:0", "ap-south-1", TODAY).kind, "offered");
    assert.equal(catalogVerdict("anthropic.claude-3-7-sonnet-20250219-v1:0", "eu-west-2", TODAY).kind, "offered");
    assert.equal(catalogVerdict("anthropic.claude-3-5-sonnet-20240620-v1:0", "ap-southeast-1", TODAY).kind, "offered");
    // A profile still listed in Tokyo, whose model is gone from there.
    assert.equal(catalogVerdict("apac.anthropic.claude-3-5-sonnet-20240620-v1:0", "ap-northeast-1", TODAY).kind, "eol");
  });

  it("knows the end of life of Claude 3.5 Sonnet v1 and v2, 3.5 Haiku, 3.7 Sonnet, Opus 4 and Sonnet 4", () => {
    const since = (id: string) => {
      const verdict = catalogVerdict(id, "us-east-1", TODAY);
      return verdict.kind === "eol" ? (verdict.since ?? "no date given") : verdict.kind;
    };
    assert.deepEqual(
      [
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "us.anthropic.claude-3-5-haiku-20241022-v1:0",
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "us.anthropic.claude-opus-4-20250514-v1:0",
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
      ].map(since),
      ["2026-03-01", "no date given", "2026-06-19", "2026-04-28", "2026-05-31", "2026-10-14"],
    );
  });

  it("warns of a Legacy model until its end-of-life date, and refuses it from that day", () => {
    const sonnet4 = { bedrockModelId: "us.anthropic.claude-sonnet-4-20250514-v1:0", region: "us-east-1" };
    const before = day("2026-10-07");
    assert.equal(catalogProblem(sonnet4, before), undefined);
    const [warning] = lifecycleWarnings([sonnet4], before);
    assert.equal(warning?.path, "models[0].bedrockModelId");
    assert.match(
      warning!.message,
      /^warning: Claude Sonnet 4 is Legacy on Bedrock in us-east-1, until 2026-10-14 .*such as "us\.anthropic\.claude-sonnet-5-5"/,
    );
    assert.deepEqual(lifecycleWarnings([sonnet4], day("2026-10-14")), []);
    assert.match(
      catalogProblem(sonnet4, day("2026-10-14")) ?? "",
      /^Claude Sonnet 4 is end of life on Bedrock in us-east-1 since 2026-10-14/,
    );
  });

  it("suggests replacements of the same family and, first, of the same geography", () => {
    assert.deepEqual(alternatives("jp.anthropic.claude-sonnet-5-5", "ap-northeast-1", TODAY).slice(0, 2), [
      "jp.anthropic.claude-sonnet-4-6",
      "jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ]);
    assert.deepEqual(
      alternatives("us.anthropic.claude-3-5-haiku-20241022-v1:0", "us-east-1", TODAY)[0],
      "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    );
  });

  it("accepts an id newer than the catalog, or offered since, once checked with Bedrock; nothing brings back an end-of-life one", () => {
    const unknown = { bedrockModelId: "us.anthropic.claude-sonnet-6", region: "us-east-1" };
    assert.match(catalogProblem(unknown, TODAY) ?? "", /is not in the model catalog .*litellm-mcp models --refresh/);
    assert.equal(catalogProblem({ ...unknown, checkedWithBedrock: "2026-11-30" }, TODAY), undefined);
    assert.equal(
      catalogProblem(
        {
          bedrockModelId: "jp.anthropic.claude-sonnet-5-5",
          region: "ap-northeast-1",
          checkedWithBedrock: "2026-11-30",
        },
        TODAY,
      ),
      undefined,
    );
    assert.match(
      catalogProblem(
        {
          bedrockModelId: "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
          region: "us-east-1",
          checkedWithBedrock: "2026-11-30",
        },
        TODAY,
      ) ?? "",
      /end of life/,
    );
  });

  it("reads in. as India's geography, called from Mumbai and Hyderabad only", () => {
    assert.deepEqual(splitModelId("in.anthropic.claude-sonnet-5"), {
      geography: "in",
      foundationModel: "anthropic.claude-sonnet-5",
    });
    assert.equal(catalogVerdict("in.anthropic.claude-sonnet-5", "ap-south-1", TODAY).kind, "offered");
    assert.match(
      refused(
        (v) => (v.models[3] = { name: "in", bedrockModelId: "in.anthropic.claude-sonnet-5", region: "ap-northeast-1" }),
      ),
      /"in\." profiles are called from Indian \(ap-south-1, ap-south-2\) regions/,
    );
  });
});

describe("validation against the catalog", () => {
  it("refuses jp.anthropic.claude-sonnet-5-5 in ap-northeast-1, naming the ids offered there", () => {
    const message = refused((v) => (v.models[3].bedrockModelId = "jp.anthropic.claude-sonnet-5-5"));
    assert.match(
      message,
      /^Pulumi\.dev\.yaml: litellm-mcp:models\[3\]\.bedrockModelId: expected an id AWS offers in ap-northeast-1: "jp\.anthropic\.claude-sonnet-5-5" is not \(config\/bedrock-catalog\.json, read 2026-10-07\); Claude Sonnet 5\.5 is offered there as "global\.anthropic\.claude-sonnet-5-5"/,
    );
  });

  it("refuses an end-of-life model with the Active ids of its region", () => {
    const message = refused((v) => (v.models[2].bedrockModelId = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"));
    assert.match(
      message,
      /models\[2\]\.bedrockModelId: Claude 3\.7 Sonnet is end of life on Bedrock in us-east-1 since 2026-04-28 .*Active ids there: "us\.anthropic\.claude-sonnet-5-5"/,
    );
  });

  it("accepts a checkedWithBedrock day only as a date", () => {
    assert.match(
      refused((v) => (v.models[0].checkedWithBedrock = "yesterday")),
      /models\[0\]\.checkedWithBedrock: expected the day litellm-mcp models answered for it/,
    );
  });

  it("passes every committed stack: each id offered and Active in its region, each name one model version", () => {
    for (const stack of committedStacks()) {
      const config = loadStack(stack);
      for (const model of config.models) {
        const verdict = catalogVerdict(model.bedrockModelId, model.region, new Date());
        assert.deepEqual(
          [model.name, verdict.kind, verdict.kind === "offered" && verdict.lifecycle.status],
          [model.name, "offered", "ACTIVE"],
          stack,
        );
      }
      const versions = new Map<string, Set<string>>();
      for (const model of config.models)
        versions.set(
          model.group ?? model.name,
          (versions.get(model.group ?? model.name) ?? new Set()).add(
            splitModelId(model.bedrockModelId).foundationModel,
          ),
        );
      for (const [name, models] of versions)
        assert.equal(models.size, 1, `${stack}: ${name} serves ${[...models].join(" and ")}`);
    }
  });
});

describe("the Bedrock stand-ins, holding what the catalog says", () => {
  it("refuse at Bedrock Runtime an id AWS does not offer in the called region, an on-demand call of a profile-only model, and a model past its end of life", () => {
    assert.deepEqual(runtimeRefusal("jp.anthropic.claude-sonnet-5-5", "ap-northeast-1", TODAY), {
      status: 400,
      type: "ValidationException",
      message: "The provided model identifier is invalid.",
    });
    assert.equal(
      runtimeRefusal("anthropic.claude-sonnet-5-5", "us-east-1", TODAY)?.message.startsWith(
        "Invocation of model ID anthropic.claude-sonnet-5-5 with on-demand throughput isn’t supported.",
      ),
      true,
    );
    assert.deepEqual(
      runtimeRefusal("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "us-east-1", TODAY)?.type,
      "ResourceNotFoundException",
    );
    assert.equal(runtimeRefusal("global.anthropic.claude-sonnet-5-5", "ap-northeast-1", TODAY), undefined);
  });

  it("answer the control plane as the catalog says: a profile of Tokyo's, and none AWS does not offer there", async () => {
    const tokyo = new BedrockControlPlaneStandIn().client("ap-northeast-1");
    const found = await tokyo.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: "jp.anthropic.claude-sonnet-4-6" }),
    );
    assert.equal(found.status, "ACTIVE");
    await assert.rejects(
      tokyo.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: "jp.anthropic.claude-sonnet-5-5" })),
      { name: "ResourceNotFoundException" },
    );
  });
});

describe("renewing the catalog (models --refresh) from Bedrock's listings", () => {
  it("rebuilds, from a Bedrock that holds what the catalog says, a catalog that offers the same ids with the same lifecycles everywhere", async () => {
    const regions = catalogRegions();
    // Two profiles a page: every region's listing takes several pages.
    const bedrock = new BedrockControlPlaneStandIn(regionsOfCatalog(TODAY), 2);
    const { catalog, skipped } = await refreshCatalog(CATALOG, regions, (region) => bedrock.client(region), TODAY);
    assert.deepEqual(skipped, {});
    for (const region of regions) {
      for (const id of Object.keys(CATALOG.models)) {
        const [before, after] = [CATALOG.models[id]!, catalog.models[id]!];
        assert.deepEqual(offeredIds(id, after, region), offeredIds(id, before, region), `${id} in ${region}`);
        assert.deepEqual(lifecycleIn(after, region, TODAY), lifecycleIn(before, region, TODAY), `${id} in ${region}`);
      }
    }
    assert.ok(
      bedrock.calls.some((call) => /^us-east-1 ListInferenceProfiles SYSTEM_DEFINED,1000,\d+$/.test(call)),
      "asked for a further page",
    );
    assert.equal(catalog.sources[`refresh-2026-12-01`]?.read, "2026-12-01");
  });

  it("adds a model Bedrock lists, ends the life of one it no longer lists, and keeps a region it cannot ask", async () => {
    const state = regionsOfCatalog(TODAY);
    state["us-east-1"]!.models["anthropic.claude-sonnet-6"] = {
      status: "ACTIVE",
      name: "Claude Sonnet 6",
      inferenceTypes: ["INFERENCE_PROFILE"],
    };
    state["us-east-1"]!.profiles.push("us.anthropic.claude-sonnet-6");
    for (const region of Object.values(state)) delete region.models["anthropic.claude-sonnet-4-5-20250929-v1:0"];
    state["ap-south-1"]!.denied = "not opted in";
    const bedrock = new BedrockControlPlaneStandIn(state);
    const result = await refreshCatalog(CATALOG, catalogRegions(), (region) => bedrock.client(region), TODAY);
    assert.deepEqual(Object.keys(result.skipped), ["ap-south-1"]);
    assert.deepEqual(
      offeredIds("anthropic.claude-sonnet-6", result.catalog.models["anthropic.claude-sonnet-6"]!, "us-east-1"),
      ["us.anthropic.claude-sonnet-6"],
    );
    assert.equal(
      catalogVerdict("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "ap-northeast-1", TODAY, result.catalog).kind,
      "eol",
    );
    // ap-south-1 could not be asked: what the catalog held for it stays.
    assert.equal(catalogVerdict("in.anthropic.claude-sonnet-5", "ap-south-1", TODAY, result.catalog).kind, "offered");
    assert.ok(result.changes.includes("added anthropic.claude-sonnet-6 (Claude Sonnet 6)"), result.changes.join("\n"));
    assert.ok(
      result.changes.includes("anthropic.claude-sonnet-4-5-20250929-v1:0: ACTIVE -> EOL"),
      result.changes.join("\n"),
    );
  });
});
