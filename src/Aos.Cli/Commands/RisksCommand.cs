using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos risks …</c>: list, show, add, mitigate and change the status of your tenant's risks.</summary>
internal static class RisksCommand
{
    public static Command Create() => new("risks", "Keep your tenant's risk register: list, show, add, mitigate, status.")
    {
        CreateList(),
        CreateShow(),
        CreateAdd(),
        CreateMitigate(),
        CreateStatus(),
    };

    private static Command CreateList()
    {
        var status = new Option<string?>("--status") { Description = "Only risks of this status: identified, assessed, mitigating, accepted, closed." };
        var level = new Option<string?>("--level") { Description = "Only risks of this level: low, medium, high, critical." };
        var due = new Option<bool>("--due") { Description = "Only the risks due for review, longest overdue first." };
        var page = new PageOptions();
        var command = new Command("list", "List your tenant's risks, oldest first; with --due those due for review.") { status, level, due, page.After, page.Limit };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var query = page.Query(
                parseResult, ("status", parseResult.GetValue(status)), ("level", parseResult.GetValue(level)), ("dueForReview", parseResult.GetValue(due) ? "true" : null));
            var found = await client.GetAsync("/v1/risks" + query, cancellationToken);
            TextTable.WritePage(parseResult, found, "no risks", ["ID", "TITLE", "SCORE", "LEVEL", "STATUS", "OWNER", "NEXT REVIEW"], r =>
            [
                Text(r?["id"]), Text(r?["title"]), Text(r?["score"]), Text(r?["level"]), Text(r?["status"]), Text(r?["owner"]), Text(r?["nextReviewAt"]),
            ]);
        });
        return command;
    }

    private static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "The risk's id." };
        var command = new Command("show", "Show a risk with its mitigations and review dates.") { id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
            Write(parseResult, await client.GetAsync(RiskPath(parseResult.GetValue(id)!), cancellationToken), null));
        return command;
    }

    private static Command CreateAdd()
    {
        var title = new Argument<string>("title") { Description = "The risk's short title." };
        var likelihood = new Option<int>("--likelihood") { Description = "How likely, 1 (rare) to 5 (almost certain).", Required = true };
        var impact = new Option<int>("--impact") { Description = "How bad, 1 (negligible) to 5 (severe).", Required = true };
        var owner = new Option<string>("--owner") { Description = "Who is responsible.", Required = true };
        var description = new Option<string?>("--description") { Description = "What the risk is." };
        var category = new Option<string?>("--category") { Description = "The category, for instance security or compliance." };
        var review = new Option<string?>("--review-every") { Description = "How long a review lasts, for instance 30d (the default)." };
        var command = new Command("add", "Record a risk in your tenant.") { title, likelihood, impact, owner, description, category, review };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject
            {
                ["title"] = parseResult.GetValue(title),
                ["likelihood"] = parseResult.GetValue(likelihood),
                ["impact"] = parseResult.GetValue(impact),
                ["owner"] = parseResult.GetValue(owner),
                ["description"] = parseResult.GetValue(description),
                ["category"] = parseResult.GetValue(category),
                ["reviewInterval"] = parseResult.GetValue(review),
            };
            Write(parseResult, await client.PostAsync("/v1/risks", body, cancellationToken), "recorded");
        });
        return command;
    }

    private static Command CreateMitigate()
    {
        var id = new Argument<string>("id") { Description = "The risk's id." };
        var description = new Argument<string>("description") { Description = "What is done against the risk." };
        var owner = new Option<string?>("--owner") { Description = "Who is responsible for the mitigation." };
        var state = new Option<string?>("--state") { Description = "Its state in your words, for instance planned or done." };
        var command = new Command("mitigate", "Add a mitigation to a risk; the risk becomes mitigating.") { id, description, owner, state };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject { ["description"] = parseResult.GetValue(description), ["owner"] = parseResult.GetValue(owner), ["status"] = parseResult.GetValue(state) };
            Write(parseResult, await client.PostAsync(RiskPath(parseResult.GetValue(id)!) + "/mitigations", body, cancellationToken), "mitigated");
        });
        return command;
    }

    private static Command CreateStatus()
    {
        var id = new Argument<string>("id") { Description = "The risk's id." };
        var status = new Argument<string>("status") { Description = "The new status: assessed, mitigating, accepted or closed (assessed reopens an accepted or closed risk)." };
        var command = new Command("status", "Change a risk's status.") { id, status };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
            Write(parseResult, await client.PutAsync(RiskPath(parseResult.GetValue(id)!), new JsonObject { ["status"] = parseResult.GetValue(status)!.ToLowerInvariant() }, cancellationToken), "changed"));
        return command;
    }

    private static void Write(ParseResult parseResult, JsonNode? risk, string? verb)
    {
        var output = parseResult.InvocationConfiguration.Output;
        if (parseResult.GetValue(CliOptions.Json))
        {
            output.WriteLine(risk?.ToJsonString(CliJson.Options));
            return;
        }

        if (verb is not null)
        {
            output.WriteLine($"{verb}: risk {risk?["id"]} is {risk?["status"]} ({risk?["level"]}, score {risk?["score"]})");
            return;
        }

        output.WriteLine($"risk {risk?["id"]}: {risk?["title"]}");
        output.WriteLine($"status: {risk?["status"]}; level {risk?["level"]} (likelihood {risk?["likelihood"]} × impact {risk?["impact"]} = {risk?["score"]}); owner {risk?["owner"]}");
        output.WriteLine($"next review: {risk?["nextReviewAt"]}; last reviewed: {(risk?["lastReviewedAt"] is { } last ? Text(last) : "never")}");
        var mitigations = risk?["mitigations"]?.AsArray() ?? [];
        if (mitigations.Count == 0)
        {
            output.WriteLine("mitigations: none");
            return;
        }

        output.WriteLine("mitigations:");
        TextTable.Write(output, "  ", ["ADDED", "DESCRIPTION", "OWNER", "STATE"], [.. mitigations.Select(m => new[] { Text(m?["addedAt"]), Text(m?["description"]), Text(m?["owner"]), Text(m?["status"]) })]);
    }

    private static string RiskPath(string id) => $"/v1/risks/{Uri.EscapeDataString(id)}";

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;
}
