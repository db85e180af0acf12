using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos tenants</c>: create, list, show and delete tenants (a superuser's job).</summary>
internal static class TenantsCommand
{
    public static Command Create()
    {
        var command = new Command("tenants", "Manage tenants (needs tenants:manage): create, list, show, delete.");
        command.Add(CreateCreate());
        command.Add(CreateList());
        command.Add(CreateShow());
        command.Add(CreateDelete());
        return command;
    }

    private static Command CreateCreate()
    {
        var name = new Argument<string>("name") { Description = "The tenant's name: lowercase letters, digits and '-'." };
        var displayName = new Option<string?>("--display-name") { Description = "What people call it (default: the name)." };
        var command = new Command("create", "Create a tenant; then create keys, users and roles in it with --tenant.") { name, displayName };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var tenant = await client.PostAsync("/v1/tenants", new JsonObject { ["name"] = parseResult.GetValue(name), ["displayName"] = parseResult.GetValue(displayName) }, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? tenant?.ToJsonString(CliJson.Options)
                : $"created tenant {tenant?["name"]} ({tenant?["displayName"]})");
        });
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the tenants.");
        command.SetListAction("/v1/tenants", "no tenants", ["NAME", "DISPLAY NAME", "CREATED"], t => [Text(t?["name"]), Text(t?["displayName"]), Text(t?["createdAt"])]);
        return command;
    }

    private static Command CreateShow()
    {
        var name = new Argument<string>("name") { Description = "The tenant's name." };
        var command = new Command("show", "Show a tenant.") { name };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var tenant = await client.GetAsync($"/v1/tenants/{Uri.EscapeDataString(parseResult.GetValue(name)!)}", cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(tenant?.ToJsonString(CliJson.Options));
                return;
            }

            output.WriteLine($"name:         {tenant?["name"]}");
            output.WriteLine($"display name: {tenant?["displayName"]}");
            output.WriteLine($"created:      {tenant?["createdAt"]}");
        });
        return command;
    }

    private static Command CreateDelete()
    {
        var name = new Argument<string>("name") { Description = "The tenant's name." };
        var command = new Command("delete", "Delete a tenant that has no active keys or users any more, with its custom roles and role assignments.") { name };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var tenant = parseResult.GetValue(name)!;
            await client.DeleteAsync($"/v1/tenants/{Uri.EscapeDataString(tenant)}", cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json) ? new JsonObject { ["deleted"] = tenant }.ToJsonString(CliJson.Options) : $"deleted tenant {tenant}");
        });
        return command;
    }

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;
}
