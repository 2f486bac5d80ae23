/** The commands for the images a stack deploys: verify-image and pin-images. */
import { IMAGES } from "../../config/constants";
import { formatPath } from "../../config/errors";
import { deployedImages, parseImageRef } from "../../config/images";
import { loadStackFile } from "../../config/load";
import { litellmSigning } from "../../config/signing";
import { projectDir, stackFile, stackName } from "../context";
import { EXIT, OpsError } from "../errors";
import { editStackFile } from "../stackFile";
import { type Command, STACK_DEV } from "./shared";

export const IMAGES_COMMANDS: Record<string, Command> = {
  "verify-image": {
    summary: "verify the signature of the LiteLLM image a stack deploys with LiteLLM's cosign key for that release",
    usage: "litellm-mcp verify-image [--stack <name>]",
    options: { stack: STACK_DEV },
    async run(context) {
      const stack = stackName(context.options, "dev");
      const image = loadStackFile(stackFile(projectDir(context.io.cwd), stack)).proxy.image;
      const signing = litellmSigning(image);
      if (signing.kind === "not-litellm") {
        context.io.stdout.write(
          `${image} is not an image LiteLLM publishes on ghcr.io/berriai: no signature of LiteLLM's to verify\n`,
        );
        return EXIT.ok;
      }
      if (signing.kind === "unknown") throw new OpsError(`cannot verify ${image}: ${signing.why}`);
      context.io.stdout.write(`Verifying ${image} with ${signing.keyUrl}\n`);
      await context.deps
        .signatures(context.io.env)
        .verify(image, signing.keyUrl, (text) => context.io.stdout.write(text));
      context.io.stdout.write(`${image}: signed by LiteLLM's key\n`);
      return EXIT.ok;
    },
  },

  "pin-images": {
    summary:
      "resolve each image tag a stack deploys to the digest its registry serves now; --write pins them in the stack file",
    usage: "litellm-mcp pin-images [--stack <name>] [--write] [--refresh]",
    options: {
      stack: STACK_DEV,
      write: { type: "boolean", description: "write tag@digest into Pulumi.<stack>.yaml (its comments kept)" },
      refresh: {
        type: "boolean",
        description:
          "also resolve the tag of each image already pinned as tag@digest again, to the digest the tag has now",
      },
    },
    async run(context) {
      const stack = stackName(context.options, "dev");
      const file = stackFile(projectDir(context.io.cwd), stack);
      const config = loadStackFile(file);
      const registry = context.deps.registry();
      const refresh = context.options["refresh"] === true;
      const pins: { key: string; path: readonly (string | number)[]; from: string; to: string }[] = [];
      for (const { path, image } of deployedImages(config, IMAGES)) {
        const ref = parseImageRef(image);
        // An image pinned by digest alone has no tag to resolve again: it stays as it is.
        const tagged =
          ref?.digest !== undefined && ref.tag !== undefined && refresh
            ? image.slice(0, image.lastIndexOf("@"))
            : undefined;
        const pinned =
          tagged !== undefined
            ? `${tagged}@${await registry.digestOf(tagged)}`
            : ref?.digest !== undefined
              ? image
              : `${image}@${await registry.digestOf(image)}`;
        pins.push({ key: formatPath(path), path, from: image, to: pinned });
      }
      const width = Math.max(...pins.map((pin) => pin.key.length));
      const kept = refresh ? "(unchanged)" : "(already pinned)";
      for (const pin of pins)
        context.io.stdout.write(`${pin.key.padEnd(width)}  ${pin.to === pin.from ? `${pin.to} ${kept}` : pin.to}\n`);
      if (context.options["write"] !== true) {
        context.io.stdout.write(`\nNothing written: --write pins these in Pulumi.${stack}.yaml\n`);
        return EXIT.ok;
      }
      editStackFile(
        file,
        pins.map((pin) => ({ path: pin.path, value: pin.to })),
      );
      context.io.stdout.write(
        `\nPinned ${pins.filter((pin) => pin.to !== pin.from).length} image(s) in Pulumi.${stack}.yaml\n`,
      );
      return EXIT.ok;
    },
  },
};
