using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Aos.Kernel;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos approvals …</c>: request approvals, list what waits for whom, approve, deny, comment, follow them.</summary>
internal static partial class ApprovalsCommand
{
    public static Command Create() => new("approvals", "Run approvals: request one with an escalation chain, list what waits for an approver, approve, deny, comment.")
    {
        CreateRequest(),
        CreateList(),
        CreateShow(),
        CreateDecide("approve", approve: true),
        CreateDecide("deny", approve: false),
        CreateComment(),
    };

    private static Command CreateRequest()
    {
        var title = new Argument<string>("title") { Description = "What is to be approved." };
        var approvers = new Option<string>("--approvers") { Description = "Who is asked first, comma-separated: users (alice or user:alice), agents (agent:auditor) and roles (role:finance).", Required = true };
        var timeout = new Option<string>("--timeout") { Description = $"How long the first approvers have: {Durations.Forms}.", DefaultValueFactory = _ => "24h" };
        var then = new Option<string[]>("--then")
        {
            Description = "An escalation stage, asked when the previous stage's deadline passes: APPROVERS=TIMEOUT, approvers comma-separated, for instance --then 'role:cfo,bob=8h'; repeat for more, in order.",
            HelpName = "APPROVERS=TIMEOUT",
            AllowMultipleArgumentsPerToken = false,
        };
        var required = new Option<int?>("--required") { Description = "How many distinct approvers must approve (default 1)." };
        var id = new Option<string?>("--id") { Description = "The approval id; a new one when absent." };
        var context = new Option<string?>("--context") { Description = "Context for the approvers, as a JSON object." };
        var description = new Option<string?>("--description") { Description = "More detail for the approvers." };
        var command = new Command("request", "Request an approval as yourself (you cannot approve it): who is asked first and by when, then whom to ask as each deadline passes.")
        {
            title, approvers, timeout, then, required, id, context, description,
        };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var stages = new JsonArray(Stage(parseResult.GetValue(approvers)!, parseResult.GetValue(timeout)!, "--approvers", "--timeout"));
            foreach (var stage in parseResult.GetValue(then) ?? [])
            {
                stages.Add(EscalationStage(stage));
            }

            var body = new JsonObject { ["title"] = parseResult.GetValue(title), ["stages"] = stages };
            AddIfPresent(body, "id", parseResult.GetValue(id));
            AddIfPresent(body, "description", parseResult.GetValue(description));
            if (parseResult.GetValue(required) is { } count)
            {
                body["requiredApprovals"] = count;
            }

            if (JsonObjectOption.Parse(parseResult.GetValue(context), "--context") is { } initial)
            {
                body["context"] = initial;
            }

            var approval = await client.PostAsync("/v1/approvals", body, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? approval?.ToJsonString(CliJson.Options)
                : $"requested: approval {approval?["id"]} is {Status(approval)}");
        });
        return command;
    }

    private static JsonObject EscalationStage(string text)
    {
        var separator = text.LastIndexOf('=');
        return separator > 0 && separator < text.Length - 1
            ? Stage(text[..separator], text[(separator + 1)..], $"--then '{text}'", $"--then '{text}'")
            : throw new CliException($"--then '{text}' is not APPROVERS=TIMEOUT; write it as, for instance, --then 'role:cfo,bob=8h'.", ExitCodes.Usage);
    }

    // Checked here so that a typo is refused before anything is sent; the server checks the approvers themselves.
    private static JsonObject Stage(string approvers, string timeout, string approversOption, string timeoutOption)
    {
        var list = Split(approvers);
        if (list.Length == 0)
        {
            throw new CliException($"{approversOption} names no approver; give users (alice) and roles (role:finance), comma-separated.", ExitCodes.Usage);
        }

        if (!Durations.TryParse(timeout, out _))
        {
            throw new CliException($"{timeoutOption}: '{timeout}' is not a duration; write it as {Durations.Forms}.", ExitCodes.Usage);
        }

        return new JsonObject { ["approvers"] = new JsonArray([.. list.Select(a => JsonValue.Create(a))]), ["timeout"] = timeout.Trim() };
    }

    private static void AddIfPresent(JsonObject body, string name, string? value)
    {
        if (value is not null)
        {
            body[name] = value;
        }
    }

    private static string Status(JsonNode? approval)
    {
        var status = Text(approval?["status"]);
        if (status != "pending")
        {
            return status;
        }

        var approvals = (approval?["votes"]?.AsArray() ?? []).Count(v => v?["approved"]?.GetValue<bool>() == true);
        return $"pending ({approvals.ToString(CultureInfo.InvariantCulture)} of {approval?["requiredApprovals"]} approvals), asking {Join(approval?["approvers"])} until {approval?["deadlineAt"]}";
    }

    private static string[] Split(string? list) =>
        list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static string Join(JsonNode? array) => string.Join(", ", (array as JsonArray ?? []).Select(Text));

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;

    private static string ApprovalPath(string id) => $"/v1/approvals/{Uri.EscapeDataString(id)}";
}
