using FusionCluster.Dashboard.Notifications;
using FusionCluster.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>The webhooks notifications go to: everyone sees them (redacted); operators add, test and remove them, checked on the server.</summary>
public sealed partial class NotificationSettings
{
    private readonly Dictionary<string, string> testResults = new(StringComparer.Ordinal);
    private bool isOperator;
    private string? loadError;
    private string? addError;

    [Inject]
    private WebhookStore Store { get; set; } = default!;

    [Inject]
    private NotificationService Service { get; set; } = default!;

    [Inject]
    private OperatorGate Gate { get; set; } = default!;

    private IReadOnlyList<WebhookSubscription> Webhooks { get; set; } = [];

    private string NewUrl { get; set; } = "";

    private HashSet<NotificationKind> NewKinds { get; } = [NotificationKind.JobFailed, NotificationKind.SweepNewBest];

    internal static string KindText(NotificationKind kind) => kind switch
    {
        NotificationKind.JobFailed => "job failed",
        NotificationKind.JobSucceeded => "job succeeded",
        NotificationKind.SweepRunFinished => "sweep run finished",
        NotificationKind.SweepNewBest => "sweep found a new best",
        _ => kind.ToString(),
    };

    protected override async Task OnInitializedAsync()
    {
        isOperator = await Gate.IsOperatorAsync();
        Load();
    }

    private void Load()
    {
        try
        {
            Webhooks = Store.List();
            loadError = null;
        }
        catch (InvalidOperationException e)
        {
            loadError = e.Message;
        }
    }

    private void Toggle(NotificationKind kind, bool on)
    {
        if (on)
        {
            NewKinds.Add(kind);
        }
        else
        {
            NewKinds.Remove(kind);
        }
    }

    private async Task AddAsync()
    {
        addError = null;
        try
        {
            await Gate.RequireOperatorAsync("add a webhook");
            Store.Add(NewUrl, NewKinds);
            NewUrl = "";
            Load();
        }
        catch (Exception e) when (e is ArgumentException or OperatorRequiredException)
        {
            addError = e is ArgumentException a ? a.Message.Split(" (Parameter", 2)[0] : e.Message;
        }
    }

    private async Task RemoveAsync(WebhookSubscription webhook)
    {
        try
        {
            await Gate.RequireOperatorAsync("remove a webhook");
            Store.Remove(webhook.Id);
            Load();
        }
        catch (OperatorRequiredException e)
        {
            addError = e.Message;
        }
    }

    private async Task TestAsync(WebhookSubscription webhook)
    {
        try
        {
            var user = await Gate.RequireOperatorAsync("send a test notification");
            testResults[webhook.Id] = "sending…";
            StateHasChanged();
            var delivery = await Service.SendTestAsync(webhook, $"FusionCluster: a test message from {user.Identity?.Name ?? "an operator"}", CancellationToken.None);
            testResults[webhook.Id] = delivery.Delivered ? $"delivered (attempt {delivery.Attempts})" : $"not delivered after {delivery.Attempts} attempts: {delivery.LastError}";
        }
        catch (OperatorRequiredException e)
        {
            addError = e.Message;
        }
    }
}
