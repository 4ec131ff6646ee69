using FusionCluster.Core.Specs;
using FusionCluster.Grains.Workers;

namespace FusionCluster.Grains.Tests.Workers;

/// <summary>Failures of the data fail a job at once; failures a retry elsewhere might fix do not.</summary>
public sealed class FailureClassifierTests
{
    public static TheoryData<Exception, bool> Failures => new()
    {
        { new SpecException("models[0]: unknown model 'x'"), true },
        { new ArgumentException("bad shape"), true },
        { new FormatException("not a number"), true },
        { new KeyNotFoundException("tensor"), true },
        { new NotSupportedException("dtype"), true },
        { new InvalidDataException("truncated"), true },
        { new IOException("disk full"), false },
        { new TimeoutException("slow"), false },
        { new InvalidOperationException("state"), false },
        { new OperationCanceledException(), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Errors_of_the_inputs_are_permanent_and_errors_of_the_machine_are_not(Exception failure, bool permanent) =>
        Assert.Equal(permanent, FailureClassifier.IsPermanent(failure));

    [Fact]
    public void Own_and_io_errors_are_described_by_their_message_others_also_by_their_type()
    {
        Assert.Equal("models[0]: unknown model 'x'", FailureClassifier.Describe(new SpecException("models[0]: unknown model 'x'")));
        Assert.Equal("disk full", FailureClassifier.Describe(new IOException("disk full")));
        Assert.Equal("InvalidOperationException: state", FailureClassifier.Describe(new InvalidOperationException("state")));
    }
}
