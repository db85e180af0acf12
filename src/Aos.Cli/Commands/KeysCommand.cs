using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos keys</c>: create, list and revoke API keys.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Manage API keys: create (the secret is shown once), list, revoke.");
        command.Add(CreateCreate());
        command.Add(CreateList());
        command.Add(CreateRevoke());
        return command;
    }

    private static Command CreateCreate()
    {
        var name = new Argument<string>("name") { Description = "What the key is for." };
        var roles = new Option<string[]>("--role") { Description = "A role the key holds: guest, user, agent_manager, admin, superuser, or a custom role of its tenant (repeatable; default user).", AllowMultipleArgumentsPerToken = true };
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "When the key stops working, ISO 8601 (default: never)." };
        var command = new Command("create", "Create an API key and print it once; it cannot be shown again. It belongs to the tenant the caller acts in (--tenant).") { name, roles, expires };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var body = new JsonObject
            {
                ["name"] = parseResult.GetValue(name),
                ["roles"] = parseResult.GetValue(roles) is { Length: > 0 } given ? new JsonArray([.. given.Select(r => (JsonNode?)r)]) : null,
                ["expiresAt"] = parseResult.GetValue(expires) is { } at ? JsonValue.Create(at) : null,
            };
            var result = await client.PostAsync("/v1/api-keys", body, cancellationToken);
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(result?.ToJsonString(CliJson.Options));
                return;
            }

            var key = result?["key"];
            output.WriteLine($"created {key?["prefix"]} ({key?["name"]}) in tenant {key?["tenant"]} with roles {string.Join(", ", key?["roles"]?.AsArray().Select(r => r?.ToString()) ?? [])}");
            output.WriteLine("the key (shown once; keep it secret):");
            output.WriteLine(result?["secret"]);
        });
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List API keys, without their secrets.");
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var result = await client.GetAsync("/v1/api-keys", cancellationToken);
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(result?.ToJsonString(CliJson.Options));
                return;
            }

            var items = result?["items"]?.AsArray() ?? [];
            if (items.Count == 0)
            {
                output.WriteLine("no keys");
            }

            foreach (var item in items)
            {
                var state = item?["revokedAt"] is not null ? "revoked" : item?["expiresAt"] is { } expires ? $"expires {expires}" : "active";
                output.WriteLine($"{item?["prefix"],-18} {item?["tenant"],-12} {string.Join(",", item?["roles"]?.AsArray().Select(r => r?.ToString()) ?? []),-24} {state,-34} {item?["name"]}");
            }
        });
        return command;
    }

    private static Command CreateRevoke()
    {
        var id = new Argument<string>("id") { Description = "The key id (the part after 'aos_' in its prefix)." };
        var command = new Command("revoke", "Revoke an API key: it stops working at once.") { id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var given = parseResult.GetValue(id)!;
            var keyId = given.StartsWith("aos_", StringComparison.Ordinal) ? given[4..] : given;
            var result = await client.DeleteAsync($"/v1/api-keys/{Uri.EscapeDataString(keyId)}", cancellationToken);
            output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? result?.ToJsonString(CliJson.Options)
                : $"revoked {result?["prefix"]} ({result?["name"]})");
        });
        return command;
    }
}
