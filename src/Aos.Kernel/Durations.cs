using System.Globalization;
using System.Xml;

namespace Aos.Kernel;

/// <summary>Reads durations as people write them in definitions and requests.</summary>
public static class Durations
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "90s, 30m, 24h, 3d (or 500ms), PT24H, or d.hh:mm:ss";

    private static readonly (string Suffix, double Milliseconds)[] Units = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];

    /// <summary>Parses <c>500ms</c>, <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>3d</c>, an ISO 8601 duration (<c>PT24H</c>) or <c>d.hh:mm:ss</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration.</param>
    /// <returns><see langword="true"/> when the text is a duration.</returns>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var (suffix, unit) in Units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal)
                && (suffix != "m" || !value.EndsWith("ms", StringComparison.Ordinal))
                && double.TryParse(value[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                duration = TimeSpan.FromMilliseconds(amount * unit);
                return true;
            }
        }

        if (value.StartsWith('P'))
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(value);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        // Only with its colons: a bare "300" would otherwise read as 300 days, not what anyone writing it means.
        return value.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration);
    }

    /// <summary>Formats a duration in the largest unit that holds it exactly (<c>3d</c>, <c>90s</c>, <c>250ms</c>), or as <c>d.hh:mm:ss.fffffff</c>.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text, which <see cref="TryParse"/> reads back.</returns>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        if (duration > TimeSpan.Zero && duration.Ticks % TimeSpan.TicksPerMillisecond == 0)
        {
            var milliseconds = duration.Ticks / TimeSpan.TicksPerMillisecond;
            for (var i = Units.Length - 1; i >= 0; i--)
            {
                var (suffix, unit) = Units[i];
                if (milliseconds % (long)unit == 0)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{milliseconds / (long)unit}{suffix}");
                }
            }
        }

        return duration.ToString("c", CultureInfo.InvariantCulture);
    }
}
