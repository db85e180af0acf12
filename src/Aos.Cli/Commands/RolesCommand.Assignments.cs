using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

internal static partial class RolesCommand
{
    private static Command CreateAssign()
    {
        var principal = new Argument<string>("principal") { Description = "A principal of another tenant: api-key:<id> or user:<tenant>/<username>." };
        var roles = new Option<string[]>("--role") { Description = "A role it holds in this tenant (repeatable).", AllowMultipleArgumentsPerToken = true, Required = true };
        var command = new Command("assign", "Let a principal of another tenant act in the tenant the caller acts in, with these roles (it sends X-Aos-Tenant).") { principal, roles };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var assignment = await client.PutAsync($"/v1/role-assignments/{PrincipalPath(parseResult.GetValue(principal)!)}", new JsonObject { ["roles"] = Array(parseResult.GetValue(roles)) }, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? assignment?.ToJsonString(CliJson.Options)
                : $"assigned {Join(assignment?["roles"])} to {assignment?["principalId"]} in tenant {assignment?["tenant"]}");
        });
        return command;
    }

    private static Command CreateUnassign()
    {
        var principal = new Argument<string>("principal") { Description = "The principal: api-key:<id> or user:<tenant>/<username>." };
        var command = new Command("unassign", "Take a principal's roles in the tenant the caller acts in away.") { principal };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var id = parseResult.GetValue(principal)!;
            await client.DeleteAsync($"/v1/role-assignments/{PrincipalPath(id)}", cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json) ? new JsonObject { ["unassigned"] = id }.ToJsonString(CliJson.Options) : $"unassigned {id}");
        });
        return command;
    }

    private static Command CreateAssignments()
    {
        var command = new Command("assignments", "List the roles principals of other tenants hold in the tenant the caller acts in.");
        command.SetListAction("/v1/role-assignments", "no role assignments", ["PRINCIPAL", "ROLES", "UPDATED"], a => [Text(a?["principalId"]), Join(a?["roles"]), Text(a?["updatedAt"])]);
        return command;
    }

    // The id's '/' (user:<tenant>/<username>) stays a path separator: the route takes the rest of the path.
    private static string PrincipalPath(string principal) => string.Join('/', principal.Split('/').Select(Uri.EscapeDataString));
}
