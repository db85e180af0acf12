using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Aos.Cli.Client;

namespace Aos.Cli.Commands;

internal static partial class WorkflowsCommand
{
    // The longest the server waits in one request; longer waits are made of several.
    private const int MaxWaitMs = 25_000;

    private static Command CreateStart()
    {
        var name = new Argument<string>("name") { Description = "The workflow (see 'aos workflows list')." };
        var input = new Option<string?>("--input") { Description = "The run's input, any JSON value, for instance '{\"order\": 42}'." };
        var id = new Option<string?>("--id") { Description = "The run id; a new one when absent. Starting the same id again shows the run as it stands." };
        var priority = new Option<string?>("--priority") { Description = "The run's priority: low, normal (default), high or critical." };
        priority.AcceptOnlyFromAmong("low", "normal", "high", "critical");
        var wait = WaitOption();
        var command = new Command("start", "Start a run of a workflow; with --wait, print it once it finished or the wait passed.") { name, input, id, priority, wait };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject { ["workflow"] = parseResult.GetValue(name) };
            if (parseResult.GetValue(input) is { } text)
            {
                body["input"] = ParseJson(text, "--input");
            }

            AddIfPresent(body, "id", parseResult.GetValue(id));
            AddIfPresent(body, "priority", parseResult.GetValue(priority));
            var waitMs = WaitMs(parseResult.GetValue(wait));
            var slice = Math.Min(waitMs, MaxWaitMs);
            if (slice > 0)
            {
                body["waitMs"] = slice;
            }

            var run = await client.PostAsync("/v1/workflow-runs", body, cancellationToken);
            if (waitMs > slice && !IsFinished(run))
            {
                run = await GetRunAsync(client, Text(run?["id"]), waitMs - slice, cancellationToken);
            }

            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? run?.ToJsonString(CliJson.Options)
                : $"started: run {run?["id"]} of {run?["workflow"]} is {Status(run)}");
            ThrowIfWaitedForAndFailed(run, waitMs);
        });
        return command;
    }

    private static Command CreateRuns()
    {
        var workflow = new Option<string?>("--workflow") { Description = "Only runs of this workflow." };
        var status = new Option<string?>("--status") { Description = "Only runs in this status: queued, running, suspended, completed, failed, compensating or cancelled." };
        var limit = new Option<int?>("--limit") { Description = "The most runs to list, 1 to 1000 (default 100)." };
        var command = new Command("runs", "List the newest workflow runs, newest first.") { workflow, status, limit };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var query = PageOptions.QueryString(
                ("workflow", parseResult.GetValue(workflow)),
                ("status", parseResult.GetValue(status)),
                ("limit", parseResult.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)));
            var found = await client.GetAsync("/v1/workflow-runs" + query, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(found?.ToJsonString(CliJson.Options));
                return;
            }

            var items = found?["items"]?.AsArray() ?? [];
            if (items.Count == 0)
            {
                output.WriteLine("no runs");
                return;
            }

            var rows = items.Select(r => new[] { Text(r?["id"]), Text(r?["workflow"]), Text(r?["status"]), StepCount(r), Text(r?["startedAt"]), Text(r?["updatedAt"]) }).ToList();
            TextTable.Write(output, string.Empty, ["ID", "WORKFLOW", "STATUS", "STEPS", "STARTED", "UPDATED"], rows);
        });
        return command;
    }

    private static Command CreateCancel()
    {
        var id = new Argument<string>("id") { Description = "The run id." };
        var command = new Command("cancel", "Cancel a run that has not finished: no further step starts. A finished run is refused and exits with 2.") { id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var run = await client.PostAsync($"{RunPath(parseResult.GetValue(id)!)}/cancel", null, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? run?.ToJsonString(CliJson.Options)
                : $"cancelled: run {run?["id"]} of {run?["workflow"]} is {Status(run)}");
        });
        return command;
    }

    private static Command CreateSignal()
    {
        var id = new Argument<string>("id") { Description = "The run id." };
        var name = new Argument<string>("name") { Description = "The signal's name, as a signal step names it (its input's name, or its id)." };
        var payload = new Option<string?>("--payload") { Description = "The signal's payload, any JSON value; the waiting step completes with it as its result." };
        var command = new Command("signal", "Send a named signal to a run: the step waiting for it completes, or the next one to wait for it takes it. A finished run is refused and exits with 2.")
        {
            id, name, payload,
        };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = parseResult.GetValue(payload) is { } text ? ParseJson(text, "--payload") : null;
            var signal = parseResult.GetValue(name)!;
            var run = await client.PostAsync($"{RunPath(parseResult.GetValue(id)!)}/signals/{Uri.EscapeDataString(signal)}", body, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? run?.ToJsonString(CliJson.Options)
                : $"signalled {signal}: run {run?["id"]} is {Status(run)}");
        });
        return command;
    }

    private static Option<int?> WaitOption() =>
        new("--wait") { Description = "Wait up to this many seconds for the run to finish before printing it.", HelpName = "SECONDS" };

    private static long WaitMs(int? seconds) => seconds switch
    {
        null => 0,
        < 0 => throw new CliException($"--wait is {seconds}; give 0 or more seconds.", ExitCodes.Usage),
        { } s => s * 1000L,
    };

    /// <summary>Gets a run, waiting up to <paramref name="waitMs"/> for it to finish, a slice the server accepts at a time.</summary>
    private static async Task<JsonNode?> GetRunAsync(AosApiClient client, string id, long waitMs, CancellationToken cancellationToken)
    {
        JsonNode? run;
        do
        {
            var slice = Math.Min(waitMs, MaxWaitMs);
            run = await client.GetAsync(RunPath(id) + (slice > 0 ? $"?waitMs={slice.ToString(CultureInfo.InvariantCulture)}" : string.Empty), cancellationToken);
            waitMs -= slice;
        }
        while (waitMs > 0 && !IsFinished(run));

        return run;
    }

    private static bool IsFinished(JsonNode? run) => run?["finished"]?.GetValue<bool>() == true;

    /// <summary>Makes a script that waited for a run see that it did not complete: exit code <see cref="ExitCodes.RunFailed"/>.</summary>
    private static void ThrowIfWaitedForAndFailed(JsonNode? run, long waitMs)
    {
        if (waitMs > 0 && IsFinished(run) && Text(run?["status"]) != "completed")
        {
            throw new CliException($"run {run?["id"]} ended {run?["status"]}{(run?["error"] is { } error ? $": {error}" : string.Empty)}", ExitCodes.RunFailed);
        }
    }

    private static string Status(JsonNode? run) =>
        $"{run?["status"]}, {StepCount(run)} steps completed{(run?["error"] is { } error ? $"; error: {error}" : string.Empty)}";

    private static string StepCount(JsonNode? run)
    {
        var steps = run?["steps"] as JsonArray ?? [];
        return $"{Count(steps.Count(s => Text(s?["status"]) == "completed"))}/{Count(steps.Count)}";
    }

    private static void AddIfPresent(JsonObject body, string name, string? value)
    {
        if (value is not null)
        {
            body[name] = value;
        }
    }
}
