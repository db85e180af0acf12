using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos users</c>: create, list and delete the local users of a tenant.</summary>
/// <remarks>A password is read from a prompt that does not echo, or from standard input with <c>--password-stdin</c>; never from an argument, and never printed.</remarks>
internal static class UsersCommand
{
    public static Command Create()
    {
        var command = new Command("users", "Manage local users (who sign in with a password): create, list, delete.");
        command.Add(CreateCreate());
        command.Add(CreateList());
        command.Add(CreateDelete());
        return command;
    }

    private static Command CreateCreate()
    {
        var username = new Argument<string>("username") { Description = "The user's name: lowercase letters, digits, '.', '_' and '-'." };
        var roles = new Option<string[]>("--role") { Description = "A role the user holds: a built-in or a custom role of the tenant (repeatable; default user).", AllowMultipleArgumentsPerToken = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (its first line) instead of a prompt." };
        var command = new Command("create", "Create a local user in the tenant the caller acts in; the password is asked without echo.") { username, roles, passwordStdin };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var password = parseResult.GetValue(passwordStdin) ? await ReadStdinAsync(cancellationToken) : Prompt();
            var body = new JsonObject
            {
                ["username"] = parseResult.GetValue(username),
                ["password"] = password,
                ["roles"] = parseResult.GetValue(roles) is { Length: > 0 } given ? new JsonArray([.. given.Select(r => (JsonNode?)r)]) : null,
            };
            var user = await client.PostAsync("/v1/users", body, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? user?.ToJsonString(CliJson.Options)
                : $"created user {user?["username"]} in tenant {user?["tenant"]} with roles {Join(user?["roles"])}");
        });
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the local users of the tenant the caller acts in.");
        command.SetListAction("/v1/users", "no users", ["USERNAME", "TENANT", "ROLES", "CREATED", "STATE"], u => [Text(u?["username"]), Text(u?["tenant"]), Join(u?["roles"]), Text(u?["createdAt"]), u?["lockedUntil"] is { } until ? $"locked until {until}" : "active"]);
        return command;
    }

    private static Command CreateDelete()
    {
        var username = new Argument<string>("username") { Description = "The user's name." };
        var command = new Command("delete", "Delete a local user; tokens already issued to it stay valid until they expire.") { username };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var name = parseResult.GetValue(username)!;
            await client.DeleteAsync($"/v1/users/{Uri.EscapeDataString(name)}", cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json) ? new JsonObject { ["deleted"] = name }.ToJsonString(CliJson.Options) : $"deleted user {name}");
        });
        return command;
    }

    private static async Task<string> ReadStdinAsync(CancellationToken cancellationToken) =>
        (await Console.In.ReadLineAsync(cancellationToken))?.TrimEnd('\r') is { Length: > 0 } line
            ? line
            : throw new CliException("--password-stdin read no password: pipe it in, for instance: printf '%s' \"$PASSWORD\" | aos users create ada --password-stdin", ExitCodes.Usage);

    private static string Prompt()
    {
        if (Console.IsInputRedirected)
        {
            throw new CliException("no terminal to ask the password on: give it on standard input with --password-stdin", ExitCodes.Usage);
        }

        var first = ReadHidden("password: ");
        if (ReadHidden("again: ") != first)
        {
            throw new CliException("the two passwords differ; nothing was created", ExitCodes.Usage);
        }

        return first;
    }

    // Reads a line without echoing it; backspace edits, Enter ends.
    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return text.ToString();
    }

    private static string Join(JsonNode? array) => string.Join(", ", (array as JsonArray ?? []).Select(Text));

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;
}
