using FusionCluster.Dashboard.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace FusionCluster.Dashboard.Components.Layout;

public sealed partial class MainLayout
{
    private bool drawerOpen = true;
    private ErrorBoundary? errorBoundary;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    protected override void OnParametersSet() => errorBoundary?.Recover();

    private void ToggleDrawer() => drawerOpen = !drawerOpen;

    private void Recover() => errorBoundary?.Recover();
}
