using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos roles</c>: the built-in and custom roles of a tenant, and the roles principals of other tenants are assigned in it.</summary>
internal static partial class RolesCommand
{
    public static Command Create()
    {
        var command = new Command("roles", "Manage roles (needs roles:manage): list, show, create, update, delete custom roles; assign roles to principals of other tenants.");
        command.Add(CreateList());
        command.Add(CreateShow());
        command.Add(CreateCreate());
        command.Add(CreateUpdate());
        command.Add(CreateDelete());
        command.Add(CreateAssign());
        command.Add(CreateUnassign());
        command.Add(CreateAssignments());
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the built-in roles and the custom roles of the tenant the caller acts in, with their permissions.");
        command.SetListAction("/v1/roles", "no roles", ["NAME", "KIND", "PERMISSIONS"], r => [Text(r?["name"]), Kind(r), Join(r?["permissions"])]);
        return command;
    }

    private static Command CreateShow()
    {
        var name = new Argument<string>("name") { Description = "The role's name." };
        var command = new Command("show", "Show a role and its permissions.") { name };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
            Print(parseResult, await client.GetAsync($"/v1/roles/{Uri.EscapeDataString(parseResult.GetValue(name)!)}", cancellationToken), null));
        return command;
    }

    private static Command CreateCreate()
    {
        var name = new Argument<string>("name") { Description = "The role's name: lowercase letters, digits, '_' and '-'; not a built-in role." };
        var permissions = Permissions();
        var description = new Option<string?>("--description") { Description = "What the role is for." };
        var command = new Command("create", "Create a custom role in the tenant the caller acts in, with permissions the caller holds itself.") { name, permissions, description };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject { ["name"] = parseResult.GetValue(name), ["description"] = parseResult.GetValue(description), ["permissions"] = Array(parseResult.GetValue(permissions)) };
            Print(parseResult, await client.PostAsync("/v1/roles", body, cancellationToken), "created");
        });
        return command;
    }

    private static Command CreateUpdate()
    {
        var name = new Argument<string>("name") { Description = "The custom role's name." };
        var permissions = Permissions();
        var description = new Option<string?>("--description") { Description = "What the role is for." };
        var command = new Command("update", "Replace a custom role's permissions (and description); keys and users holding it get the new set.") { name, permissions, description };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject { ["description"] = parseResult.GetValue(description), ["permissions"] = Array(parseResult.GetValue(permissions)) };
            Print(parseResult, await client.PutAsync($"/v1/roles/{Uri.EscapeDataString(parseResult.GetValue(name)!)}", body, cancellationToken), "updated");
        });
        return command;
    }

    private static Command CreateDelete()
    {
        var name = new Argument<string>("name") { Description = "The custom role's name." };
        var command = new Command("delete", "Delete a custom role: it grants nothing from then on.") { name };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var role = parseResult.GetValue(name)!;
            await client.DeleteAsync($"/v1/roles/{Uri.EscapeDataString(role)}", cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json) ? new JsonObject { ["deleted"] = role }.ToJsonString(CliJson.Options) : $"deleted role {role}");
        });
        return command;
    }

    private static Option<string[]> Permissions() => new("--permission")
    {
        Description = "A permission the role grants, for instance agents:read (repeatable; 'aos roles list' shows them all).",
        AllowMultipleArgumentsPerToken = true,
        Required = true,
    };

    private static void Print(ParseResult parseResult, JsonNode? role, string? verb)
    {
        var output = parseResult.InvocationConfiguration.Output;
        if (parseResult.GetValue(CliOptions.Json))
        {
            output.WriteLine(role?.ToJsonString(CliJson.Options));
            return;
        }

        if (verb is not null)
        {
            output.WriteLine($"{verb} role {role?["name"]} in tenant {role?["tenant"]}");
        }

        output.WriteLine($"name:        {role?["name"]} ({Kind(role)})");
        output.WriteLine($"description: {role?["description"]}".TrimEnd());
        output.WriteLine($"permissions: {Join(role?["permissions"])}");
    }

    private static string Kind(JsonNode? role) => role?["builtIn"]?.GetValue<bool>() == true ? "built-in" : "custom";

    private static JsonArray Array(string[]? values) => [.. (values ?? []).Select(v => (JsonNode?)v)];

    private static string Join(JsonNode? array) => string.Join(", ", (array as JsonArray ?? []).Select(Text));

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;
}
