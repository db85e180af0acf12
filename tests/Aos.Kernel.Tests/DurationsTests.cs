namespace Aos.Kernel.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("90s", 90_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("30m", 1_800_000)]
    [InlineData("24h", 86_400_000)]
    [InlineData("3d", 259_200_000)]
    [InlineData("PT24H", 86_400_000)]
    [InlineData("00:30:00", 1_800_000)]
    [InlineData("1.02:00:00", 93_600_000)]
    public void TryParse_TheWrittenForms_ReadAsTheyLook(string text, double milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("300")]
    [InlineData("7")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("5 minutes")]
    public void TryParse_ANumberWithoutAUnit_OrNonsense_IsRefused(string? text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(250, "250ms")]
    [InlineData(90_000, "90s")]
    [InlineData(2_700_000, "45m")]
    [InlineData(259_200_000, "3d")]
    public void Format_WritesTheLargestExactUnit_WhichReadsBack(double milliseconds, string expected)
    {
        var duration = TimeSpan.FromMilliseconds(milliseconds);
        Assert.Equal(expected, Durations.Format(duration));
        Assert.True(Durations.TryParse(Durations.Format(duration), out var back));
        Assert.Equal(duration, back);
    }
}
