using System.CommandLine;
using System.Text.Json.Nodes;
using Aos.Governance.Policies;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos policies …</c>: list, show, put, delete, validate, dry-run and explain the installation's policies.</summary>
internal static class PoliciesCommand
{
    public static Command Create() => new("policies", "Manage the installation's policies (JSON or YAML): list, show, put, delete, validate, dry-run, explain.")
    {
        CreateList(),
        CreateShow(),
        CreatePut(),
        CreateDelete(),
        CreateValidate(),
        CreateDryRun(),
        CreateExplain(),
    };

    private static Command CreateList()
    {
        var command = new Command("list", "List the stored policies and those of the policy directory, and whether each is installed.");
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var result = await client.GetAsync("/v1/policies", cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(result?.ToJsonString(CliJson.Options));
                return;
            }

            var items = result?["items"]?.AsArray() ?? [];
            if (items.Count == 0)
            {
                output.WriteLine("no policies");
            }
            else
            {
                TextTable.Write(output, string.Empty, ["NAME", "ORIGIN", "INSTALLED", "FORMAT", "UPDATED", "BY"], [.. items.Select(p => new[]
                {
                    Text(p?["name"]), Text(p?["origin"]), Text(p?["installed"]), Text(p?["format"]), Text(p?["updatedAt"]), Text(p?["updatedBy"] ?? p?["source"]),
                })]);
            }

            if (result?["lastError"] is { } error)
            {
                output.WriteLine($"last reload refused (the previous policies stay installed): {error}");
            }
        });
        return command;
    }

    private static Command CreateShow()
    {
        var name = new Argument<string>("name") { Description = "The policy's name." };
        var command = new Command("show", "Show a stored policy's source text and version.") { name };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var policy = await client.GetAsync(PolicyPath(parseResult.GetValue(name)!), cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(policy?.ToJsonString(CliJson.Options));
                return;
            }

            output.WriteLine($"# policy {policy?["name"]} ({policy?["format"]}), version {policy?["eTag"]}, installed {policy?["installed"]}, updated {policy?["updatedAt"]} by {policy?["updatedBy"]}");
            output.Write(Text(policy?["text"]));
        });
        return command;
    }

    private static Command CreatePut()
    {
        var file = new Argument<FileInfo>("file") { Description = "The policy file: *.json, *.yaml or *.yml; its 'name' names the policy." };
        var command = new Command("put", "Validate a policy file and store it; every node installs it (this one at once). An invalid policy is refused with its line and column.") { file };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var (format, text, name) = await ReadAsync(parseResult.GetValue(file)!, cancellationToken);
            var stored = await client.PutAsync(PolicyPath(name), new JsonObject { ["format"] = format, ["text"] = text }, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? stored?.ToJsonString(CliJson.Options)
                : $"stored policy {stored?["name"]} (version {stored?["eTag"]}); installed: {stored?["installed"]}");
        });
        return command;
    }

    private static Command CreateDelete()
    {
        var name = new Argument<string>("name") { Description = "The policy's name." };
        var command = new Command("delete", "Delete a stored policy; every node uninstalls it (this one at once).") { name };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            await client.DeleteAsync(PolicyPath(parseResult.GetValue(name)!), cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine($"deleted policy {parseResult.GetValue(name)}");
        });
        return command;
    }

    private static Command CreateValidate()
    {
        var file = new Argument<FileInfo>("file") { Description = "The policy file: *.json, *.yaml or *.yml." };
        var command = new Command("validate", "Validate a policy file on the server without storing it; exits 1 and names the line and column when it is not valid.") { file };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var (format, text, _) = await ReadAsync(parseResult.GetValue(file)!, cancellationToken, requireName: false);
            var result = await client.PostAsync("/v1/policies/validate", new JsonObject { ["format"] = format, ["text"] = text }, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(result?.ToJsonString(CliJson.Options));
            }
            else if (result?["ok"]?.GetValue<bool>() == true)
            {
                output.WriteLine($"ok: policy {result["name"]} with {result["rules"]} rule(s)");
            }

            if (result?["ok"]?.GetValue<bool>() != true)
            {
                var errors = (result?["errors"]?.AsArray() ?? []).Select(e => Text(e?["message"]));
                throw new CliException("the policy is not valid: " + string.Join("; ", errors), ExitCodes.Usage);
            }
        });
        return command;
    }

    private static Command CreateDryRun()
    {
        var file = new Argument<FileInfo>("file") { Description = "The candidate policy file." };
        var calls = new Option<FileInfo>("--calls") { Description = "A JSON file holding a list of calls: [{ \"actor\": …, \"action\": …, \"payload\": { … } }, …].", Required = true };
        var command = new Command("dry-run", "Decide calls as if a candidate policy were installed (replacing the installed one of its name), without installing it.") { file, calls };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var (format, text, _) = await ReadAsync(parseResult.GetValue(file)!, cancellationToken, requireName: false);
            var callsFile = parseResult.GetValue(calls)!;
            var list = JsonNode.Parse(await ReadTextAsync(callsFile, cancellationToken)) as JsonArray
                ?? throw new CliException($"--calls {callsFile.FullName} must hold a JSON list of calls.", ExitCodes.Usage);
            var result = await client.PostAsync("/v1/policies/dry-run", new JsonObject { ["policy"] = new JsonObject { ["format"] = format, ["text"] = text }, ["calls"] = list }, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(result?.ToJsonString(CliJson.Options));
                return;
            }

            var decisions = result?["decisions"]?.AsArray() ?? [];
            TextTable.Write(output, string.Empty, ["CALL", "EFFECT", "EXPLANATION"], [.. decisions.Select((d, i) => new[]
            {
                $"{list[i]?["actor"]} {list[i]?["action"]}", Text(d?["effect"]), Text(d?["explanation"]),
            })]);
        });
        return command;
    }

    private static Command CreateExplain()
    {
        var call = new Option<string>("--call") { Description = "The call as a JSON object, for instance '{\"actor\":\"alice\",\"action\":\"agent.send\",\"payload\":{\"amount\":900}}'.", Required = true };
        var command = new Command("explain", "Decide a call against the installed policies and show why: the deciding rule and every matching rule.") { call };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = JsonObjectOption.Parse(parseResult.GetValue(call), "--call")!;
            var decision = await client.PostAsync("/v1/policies/explain", body, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(decision?.ToJsonString(CliJson.Options));
                return;
            }

            output.WriteLine($"{decision?["effect"]}: {decision?["explanation"]}");
            foreach (var match in decision?["matches"]?.AsArray() ?? [])
            {
                output.WriteLine($"  matched {match?["policyName"]}/{match?["ruleId"]} ({match?["effect"]}): {match?["reason"]}");
            }
        });
        return command;
    }

    private static async Task<(string Format, string Text, string Name)> ReadAsync(FileInfo file, CancellationToken cancellationToken, bool requireName = true)
    {
        var format = PolicyLoader.FormatOf(file.Name) ?? throw new CliException($"{file.FullName} is not a policy file: name it *.json, *.yaml or *.yml.", ExitCodes.Usage);
        var text = await ReadTextAsync(file, cancellationToken);
        if (!requireName)
        {
            return (format, text, string.Empty);
        }

        // The name routes the request, so the file is read here; one that is not valid is refused with its line and column before anything is sent.
        try
        {
            return (format, text, PolicyLoader.Parse(text, format, file.FullName).Name);
        }
        catch (AosValidationException ex)
        {
            throw new CliException($"the policy is not valid: {ex.Message}", ExitCodes.Usage);
        }
    }

    private static async Task<string> ReadTextAsync(FileInfo file, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {file.FullName}: {ex.Message}", ExitCodes.Usage);
        }
    }

    private static string PolicyPath(string name) => $"/v1/policies/{Uri.EscapeDataString(name)}";

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;
}
