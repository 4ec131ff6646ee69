using FusionCluster.Core.ChatTemplates;
using static FusionCluster.Core.Tests.Planning.PlanningFixtures;

namespace FusionCluster.Core.Tests.Planning;

public sealed class MergePlannerChatTemplateTests
{
    private const string Zephyr = "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}</s>\n{% endfor %}";
    private const string Vicuna = "{% for m in messages %}{{ m.role | upper }}: {{ m.content }}\n{% endfor %}";

    [Fact]
    public void A_built_in_name_plans_its_template_text()
    {
        var plan = Plan(LinearOfThree + "\nchat_template: chatml\n", Models(Llama("a", 2), Llama("b", 2), Llama("c", 2)));

        Assert.Equal(BuiltInChatTemplates.ChatMl, plan.ChatTemplate);
    }

    [Fact]
    public void Auto_plans_the_template_most_inputs_share()
    {
        var models = Models(
            Llama("a", 2) with { ChatTemplate = Vicuna },
            Llama("b", 2) with { ChatTemplate = Zephyr },
            Llama("c", 2) with { ChatTemplate = Zephyr });

        var plan = Plan(LinearOfThree + "\nchat_template: auto\n", models);

        Assert.Equal(Zephyr, plan.ChatTemplate);
        Assert.Contains(plan.Warnings, w => w.StartsWith("chat_template: auto: the input models have 2 different chat templates; chose the one of 'b', 'c'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tokenizer_source_outside_the_merge_does_not_vote()
    {
        var models = Models(
            Llama("a", 2) with { ChatTemplate = Vicuna },
            Llama("b", 2),
            Llama("c", 2),
            Llama("t", 2) with { ChatTemplate = Zephyr });

        var plan = Plan(LinearOfThree + "\ntokenizer_source: t\nchat_template: auto\n", models);

        Assert.Equal(Vicuna, plan.ChatTemplate);
    }

    [Fact]
    public void No_chat_template_plans_none()
    {
        var plan = Plan(LinearOfThree, Models(Llama("a", 2) with { ChatTemplate = Zephyr }, Llama("b", 2), Llama("c", 2)));

        Assert.Null(plan.ChatTemplate);
        Assert.Empty(plan.Warnings);
    }
}
