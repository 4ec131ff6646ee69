using FusionCluster.Dashboard.Services;

namespace FusionCluster.Dashboard.Tests.Services;

public sealed class ConnectionTroubleTests
{
    [Fact]
    public void A_timeout_reads_as_the_cluster_not_answering_in_time()
    {
        Assert.Equal("the cluster did not answer within 10 s", ConnectionTrouble.Describe(new TimeoutException("Response did not arrive on time in 00:00:30 for message: Request ..."), TimeSpan.FromSeconds(10)));
        Assert.Equal("the cluster did not answer within 10 s", ConnectionTrouble.Describe(new OperationCanceledException(), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_message_with_a_stack_trace_keeps_only_its_first_sentence()
    {
        const string orleans = """
            Exception while processing message Request [S127.0.0.1:11112:0]->[S127.0.0.1:11111:0] fc.IClusterInfoGrain.GetSilos() at Orleans.Runtime.Messaging.MessageCenter.SendMessage(Message msg)
               at Orleans.Runtime.InsideRuntimeClient.SendRequest(GrainReference target)
               --- End of stack trace from previous location ---
               at System.Runtime.CompilerServices.TaskAwaiter.ThrowForNonSuccess(Task task)
            """;

        var line = ConnectionTrouble.Describe(new InvalidOperationException(orleans), TimeSpan.FromSeconds(10));

        Assert.Equal("Exception while processing message Request [S127.0.0.1:11112:0]->[S127.0.0.1:11111:0] fc.IClusterInfoGrain.GetSilos()", line);
        Assert.DoesNotContain("Orleans.Runtime", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_message_is_cut_to_one_banner_line()
    {
        var line = ConnectionTrouble.FirstLine(new string('x', 500));

        Assert.Equal(ConnectionTrouble.MaxLength, line.Length);
        Assert.EndsWith("…", line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_message_still_says_something()
    {
        Assert.Equal("the cluster answered with an error", ConnectionTrouble.FirstLine("\n   \n"));
    }
}
