/**
 * The availability zones a new VPC's subnets are placed in. AWS answers DescribeAvailabilityZones for the account:
 * an account can be offered fewer zones than the region has (a zone it may not use, or one added after the
 * region table was written), and a subnet created without a zone lands where AWS picks, two of them possibly in
 * the same zone, which the load balancer and the database then refuse after the VPC exists. So the program asks
 * before it registers anything, and a count the account cannot meet fails the preview.
 */
import * as aws from "@pulumi/aws";
import type { ConfigProblem } from "../../config/errors";

const KEY = "aws.network.availabilityZones";
/** Fewer than this and neither the load balancer nor the database takes the subnets (the schema's minimum). */
const LEAST = 2;

/**
 * The first `count` of the zones offered, by name, so that another `up` picks the same ones whatever order AWS
 * lists them in; or the problem of a count the account is not offered.
 */
export function subnetZones(offered: readonly string[], count: number, region: string): string[] | ConfigProblem {
  const names = [...new Set(offered)].sort();
  if (names.length >= count) return names.slice(0, count);
  const listed = names.length === 0 ? "none" : names.join(", ");
  const instead =
    names.length >= LEAST
      ? `set it to ${names.length} or fewer`
      : `a load balancer and a database need subnets in ${LEAST} zones: deploy to another region, or give aws.network.existing a VPC's subnets`;
  return {
    path: KEY,
    message: `asks for ${count} zones, and the account is offered ${names.length} in ${region} (${listed}): ${instead}; nothing was changed`,
  };
}

/** The zones the account is offered in the provider's region: regular zones only, no Local or Wavelength Zones. */
export async function offeredZones(): Promise<{ names: string[]; region: string }> {
  const [zones, region] = await Promise.all([
    aws.getAvailabilityZones({
      state: "available",
      filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    }),
    aws.getRegion({}),
  ]);
  return { names: zones.names, region: region.region };
}
