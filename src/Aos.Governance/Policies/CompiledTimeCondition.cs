using System.Globalization;

namespace Aos.Governance.Policies;

/// <summary>Evaluates a <see cref="TimeCondition"/> compiled at load: the time zone is resolved once and the days kept as a bit set.</summary>
internal sealed class CompiledTimeCondition
{
    private readonly TimeZoneInfo _zone;
    private readonly int _days;
    private readonly TimeOnly? _from;
    private readonly TimeOnly? _to;
    private readonly TimeCondition _condition;

    public CompiledTimeCondition(TimeCondition condition)
    {
        _condition = condition;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(condition.TimeZone);
        _days = condition.Days.Count == 0 ? 0x7F : condition.Days.Aggregate(0, (bits, day) => bits | (1 << (int)day));
        _from = condition.From;
        _to = condition.To;
    }

    public static string? Validate(TimeCondition condition)
    {
        if (condition.From.HasValue != condition.To.HasValue)
        {
            return "a time window needs both its start and its end, such as between: [\"09:00\", \"17:00\"]";
        }

        return ValidateTimeZone(condition.TimeZone);
    }

    public static string? ValidateTimeZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return null;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return $"'{id}' is not a known time zone: use an IANA id such as 'UTC' or 'Europe/Paris'";
        }
    }

    public bool Holds(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _zone);
        if ((_days & (1 << (int)local.DayOfWeek)) == 0)
        {
            return false;
        }

        if (_from is not { } from || _to is not { } to)
        {
            return true;
        }

        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        return from <= to ? time >= from && time < to : time >= from || time < to;
    }

    public string Describe(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _zone);
        var days = _condition.Days.Count == 0 ? "any day" : string.Join(",", _condition.Days.Select(d => d.ToString()[..3].ToLowerInvariant()));
        var window = _from is { } from && _to is { } to
            ? $" {from.ToString("HH:mm", CultureInfo.InvariantCulture)}-{to.ToString("HH:mm", CultureInfo.InvariantCulture)}"
            : string.Empty;
        return $"time {local.ToString("ddd HH:mm", CultureInfo.InvariantCulture)} {_condition.TimeZone} is within {days}{window}";
    }
}
