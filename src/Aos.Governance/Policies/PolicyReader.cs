using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aos.Governance.Policies;

/// <summary>Builds a <see cref="PolicyDocument"/> from YAML nodes, refusing the first error with its line and column.</summary>
internal sealed class PolicyReader(string source)
{
    private static readonly string[] DocumentKeys = ["name", "description", "rules"];
    private static readonly string[] RuleKeys = ["id", "description", "effect", "when", "fields", "approvers", "timeout"];
    private static readonly string[] WhenKeys = ["actor", "agent", "action", "resource", "tenant", "payload", "time", "risk"];
    private static readonly string[] PayloadKeys = ["path", "op", "value"];
    private static readonly string[] TimeKeys = ["days", "between", "timeZone"];
    private static readonly string[] Days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static AosValidationException Error(string source, long line, long column, string reason) =>
        new($"{source}: line {line}, column {column}: {reason}.") { Field = source };

    public PolicyDocument Read(YamlNode root)
    {
        var map = Mapping(root, "a policy");
        CheckKeys(map, "a policy", DocumentKeys);
        var rules = new List<PolicyRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (Find(map, "rules") is { } rulesNode)
        {
            foreach (var ruleNode in Sequence(rulesNode, "'rules'").Children)
            {
                var rule = ReadRule(ruleNode);
                if (!ids.Add(rule.Id))
                {
                    throw Error(Find((YamlMappingNode)ruleNode, "id")!, $"the rule id '{rule.Id}' is used twice: rule ids must be unique in a policy");
                }

                rules.Add(rule);
            }
        }

        return new PolicyDocument
        {
            Name = RequiredString(map, "name", "a policy"),
            Description = OptionalString(map, "description"),
            Rules = rules,
        };
    }

    private PolicyRule ReadRule(YamlNode node)
    {
        var map = Mapping(node, "a rule");
        CheckKeys(map, "a rule", RuleKeys);
        var id = RequiredString(map, "id", "a rule");
        var what = $"rule '{id}'";
        var effectNode = Find(map, "effect") ?? throw Error(map, $"{what} has no 'effect': set allow, deny, require-approval or redact");
        var effect = String(effectNode, "'effect'") switch
        {
            "allow" => PolicyEffect.Allow,
            "deny" => PolicyEffect.Deny,
            "require-approval" => PolicyEffect.RequireApproval,
            "redact" => PolicyEffect.Redact,
            var other => throw Error(effectNode, $"unknown effect '{other}' in {what}: use allow, deny, require-approval or redact"),
        };

        var fields = new List<string>();
        if (Find(map, "fields") is { } fieldsNode)
        {
            foreach (var field in List(fieldsNode, "'fields'"))
            {
                var path = String(field, "a field");
                Check(field, PayloadPath.Validate(path));
                fields.Add(path);
            }
        }

        var approvers = Find(map, "approvers") is { } approversNode ? List(approversNode, "'approvers'").Select(a => String(a, "an approver")).ToList() : [];
        TimeSpan? timeout = null;
        if (Find(map, "timeout") is { } timeoutNode)
        {
            Check(timeoutNode, effect == PolicyEffect.RequireApproval ? null : "'timeout' only applies to require-approval rules");
            timeout = ParseDuration(String(timeoutNode, "'timeout'"))
                ?? throw Error(timeoutNode, $"'{String(timeoutNode, "'timeout'")}' is not a duration: use a number and a unit, such as 30s, 15m, 4h or 2d");
        }

        Check(map, PolicyValidation.RuleShape(effect, fields.Count, approvers.Count) is { } shape ? $"{what}: {shape}" : null);
        return new PolicyRule
        {
            Id = id,
            Description = OptionalString(map, "description"),
            Effect = effect,
            When = Find(map, "when") is { } when ? ReadConditions(when) : new PolicyConditions(),
            Fields = fields,
            Approvers = approvers,
            Timeout = timeout,
        };
    }

    private PolicyConditions ReadConditions(YamlNode node)
    {
        var map = Mapping(node, "'when'");
        CheckKeys(map, "'when'", WhenKeys);
        return new PolicyConditions
        {
            Actor = Globs(map, "actor"),
            Agent = Globs(map, "agent"),
            Action = Globs(map, "action"),
            Resource = Globs(map, "resource"),
            Tenant = Globs(map, "tenant"),
            Payload = Find(map, "payload") is { } payload ? [.. List(payload, "'payload'").Select(ReadPayloadCondition)] : [],
            Time = Find(map, "time") is { } time ? ReadTime(time) : null,
            Risk = Find(map, "risk") is { } risk ? String(risk, "'risk'") switch
            {
                "low" => PolicyRiskLevel.Low,
                "medium" => PolicyRiskLevel.Medium,
                "high" => PolicyRiskLevel.High,
                "critical" => PolicyRiskLevel.Critical,
                var other => throw Error(risk, $"unknown risk level '{other}': use low, medium, high or critical"),
            } : null,
        };
    }

    private PayloadCondition ReadPayloadCondition(YamlNode node)
    {
        var map = Mapping(node, "a payload condition");
        CheckKeys(map, "a payload condition", PayloadKeys);
        var pathNode = Find(map, "path") ?? throw Error(map, "a payload condition has no 'path', such as payload.amount");
        var path = String(pathNode, "'path'");
        Check(pathNode, PayloadPath.Validate(path));
        var opNode = Find(map, "op") ?? throw Error(map, "a payload condition has no 'op': use gt, gte, lt, lte, eq, ne, in, exists or matches");
        var op = String(opNode, "'op'") switch
        {
            "gt" => PayloadOperator.GreaterThan,
            "gte" => PayloadOperator.GreaterThanOrEqual,
            "lt" => PayloadOperator.LessThan,
            "lte" => PayloadOperator.LessThanOrEqual,
            "eq" => PayloadOperator.Equal,
            "ne" => PayloadOperator.NotEqual,
            "in" => PayloadOperator.In,
            "exists" => PayloadOperator.Exists,
            "matches" => PayloadOperator.Matches,
            var other => throw Error(opNode, $"unknown operator '{other}': use gt, gte, lt, lte, eq, ne, in, exists or matches"),
        };
        var valueNode = Find(map, "value");
        var value = valueNode is null ? null : ToJson(valueNode);
        Check(valueNode ?? map, CompiledPayloadCondition.ValidateValue(op, value));
        return new PayloadCondition { Path = path, Operator = op, Value = value };
    }

    private TimeCondition ReadTime(YamlNode node)
    {
        var map = Mapping(node, "'time'");
        CheckKeys(map, "'time'", TimeKeys);
        var days = new List<DayOfWeek>();
        if (Find(map, "days") is { } daysNode)
        {
            foreach (var day in List(daysNode, "'days'"))
            {
                var index = Array.IndexOf(Days, String(day, "a day").ToLowerInvariant());
                Check(day, index < 0 ? $"'{String(day, "a day")}' is not a day: use mon, tue, wed, thu, fri, sat or sun" : null);
                days.Add((DayOfWeek)index);
            }
        }

        TimeOnly? from = null, to = null;
        if (Find(map, "between") is { } between)
        {
            var bounds = List(between, "'between'");
            Check(between, bounds.Count == 2 ? null : "'between' needs two times, such as [\"09:00\", \"17:00\"]");
            from = Time(bounds[0]);
            to = Time(bounds[1]);
        }

        var zone = "UTC";
        if (Find(map, "timeZone") is { } zoneNode)
        {
            zone = String(zoneNode, "'timeZone'");
            Check(zoneNode, CompiledTimeCondition.ValidateTimeZone(zone));
        }

        return new TimeCondition { Days = days, From = from, To = to, TimeZone = zone };
    }

    private TimeOnly Time(YamlNode node)
    {
        var text = String(node, "a time");
        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw Error(node, $"'{text}' is not a time of day: use HH:mm, such as 09:00 or 17:30");
    }

    private List<string>? Globs(YamlMappingNode map, string key)
    {
        if (Find(map, key) is not { } node)
        {
            return null;
        }

        var globs = new List<string>();
        foreach (var item in List(node, $"'{key}'"))
        {
            var glob = String(item, $"a glob in '{key}'");
            Check(item, GlobSet.Validate(glob));
            globs.Add(glob);
        }

        Check(node, globs.Count == 0 ? $"'{key}' is an empty list: leave it out to match any {key}" : null);
        return globs;
    }

    private static TimeSpan? ParseDuration(string text)
    {
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            return text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
        }

        return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }

    private static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(ToJson)]);
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[(key as YamlScalarNode)?.Value ?? key.ToString()] = ToJson(value);
                }

                return obj;
        }

        var scalar = (YamlScalarNode)node;
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }

    private void CheckKeys(YamlMappingNode map, string what, string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                var closest = allowed.MinBy(a => Distance(a, name))!;
                var hint = Distance(closest, name) <= 2 ? $"did you mean '{closest}'? " : string.Empty;
                throw Error(key, $"unknown property '{name}' in {what}: {hint}expected {string.Join(", ", allowed)}");
            }
        }
    }

    private static YamlNode? Find(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be an object of properties");

    private YamlSequenceNode Sequence(YamlNode node, string what) =>
        node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list");

    // A single value stands for a list of one: `action: agent.send` reads as `action: [agent.send]`.
    private static List<YamlNode> List(YamlNode node, string what) => node is YamlSequenceNode sequence ? [.. sequence.Children] : [node];

    private string String(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } && !(node is YamlScalarNode { Style: ScalarStyle.Plain } && value is "~" or "null")
            ? value
            : throw Error(node, $"{what} must be a non-empty string");

    private string RequiredString(YamlMappingNode map, string key, string what) =>
        String(Find(map, key) ?? throw Error(map, $"{what} has no '{key}'"), $"'{key}'");

    private string? OptionalString(YamlMappingNode map, string key) => Find(map, key) is { } node ? String(node, $"'{key}'") : null;

    private void Check(YamlNode node, string? error)
    {
        if (error is not null)
        {
            throw Error(node, error);
        }
    }

    private AosValidationException Error(YamlNode node, string reason) => Error(source, node.Start.Line, node.Start.Column, reason);

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
