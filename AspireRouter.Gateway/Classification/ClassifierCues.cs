namespace AspireRouter.Gateway.Classification;

/// <summary>
/// Default cue lists of the rule-based classifier. A cue is a case-insensitive phrase matched on word boundaries;
/// a trailing <c>*</c> makes it a prefix (<c>indemnif*</c> matches "indemnify" and "indemnification"). Chinese cues
/// match anywhere, since Chinese has no spaces between words; they matter for mixed text below the CJK threshold.
/// </summary>
public static class ClassifierCues
{
    /// <summary>Asks for proofs, derivations, multi-step math, explicit step-by-step thinking, trade-off or
    /// legal/financial analysis, or hard debugging.</summary>
    public static readonly IReadOnlyList<string> Reasoning =
    [
        // Proofs, derivations and explicit chain-of-thought requests.
        "prove", "proof", "show that", "derive", "derivation", "by induction", "counterexample", "step by step", "step-by-step",
        "think carefully", "think this through", "think it through", "reason through", "work through",
        "show your work", "show the working", "show your working", "show the steps", "explain your reasoning",
        "where's the mistake", "where is the mistake", "logic puzzle", "riddle",
        // Math and statistics beyond arithmetic.
        "integral", "antiderivative", "equation*", "solve the system", "real solutions", "solve for", "probability",
        "statistically significant", "sample size", "expected value", "expected number", "minimum-cost",
        "minimize", "minimise", "maximize*", "maximise*",
        "optimal", "time complexity", "worst-case", "worst case", "o(n", "o(log",
        // Trade-offs, decisions and critique.
        "trade-off*", "tradeoff*", "weigh the", "make a recommendation", "recommend a policy",
        "root cause", "critically", "be critical", "flaws", "failure mode*", "failure scenario*",
        // Diagnosis: asking for causes and how to tell them apart.
        "could explain", "could cause", "what mechanisms", "hypothes*", "how would you confirm", "distinguish between",
        // Hard engineering problems.
        "deadlock*", "race condition*", "ordering guarantee*",
        // Legal and financial analysis.
        "enforceable", "legally", "binding", "liable", "breach of", "indemnif*", "liabilit*", "legal exposure",
        "legal risk*", "compliant", "gdpr", "hipaa",
        "non-compete", "covenant*", "hedg*", "double taxation", "tax implications", "foreign tax credit",
        "npv", "irr", "wacc", "dcf", "ltv", "cac", "cap table", "break-even", "amortiz*", "financial health",
        "credit analyst", "valuation",
        // Chinese.
        "证明", "推导", "一步一步", "逐步", "权衡", "利弊", "根本原因", "违约", "合规",
    ];

    /// <summary>Short closed tasks: classify, label, extract, translate a sentence, yes/no, spelling, one-line
    /// summaries and short rewrites.</summary>
    public static readonly IReadOnlyList<string> Light =
    [
        // Classification and labelling.
        "classify", "categorize", "categorise", "category only", "label the", "label this", "tag the", "tag this",
        "sentiment", "intent", "spam", "toxic", "urgency", "route this", "which department", "which team",
        "question or complaint", "what language", "which language", "detect the language",
        // Extraction.
        "extract", "pull out", "list every", "parse this", "as json", "return json",
        // Closed answers and output constraints.
        "yes or no", "yes/no", "true or false", "reply with", "respond with", "answer with", "only output",
        "output only", "number only", "label only", "just list", "short answer",
        "one word", "single word", "one line", "one-line", "one sentence", "words or fewer", "tl;dr", "tldr",
        // Translation of a sentence.
        "translate", "how do you say",
        // Spelling, grammar, wording.
        "spelling", "spell check", "grammar", "typo*", "proofread", "synonym", "antonym", "opposite of",
        "plural of", "abbreviation", "stand for", "title case", "passive voice", "rephrase", "shorten",
        "more polite", "more formal", "rewrite in", "rewrite as", "hashtag*", "emoji",
        // Formatting and conversion.
        "convert", "format this", "how many words", "count the words",
        // Chinese.
        "翻译", "分类", "正面还是负面", "情感", "提取", "一句话", "是不是", "改写",
    ];

    /// <summary>Open-ended but everyday work: drafting, explaining, summarising, moderate code. Verbs and question
    /// forms, not nouns: "email" or "review" appear in light tasks as often as in general ones.</summary>
    public static readonly IReadOnlyList<string> General =
    [
        "write", "draft", "explain", "summarize", "summarise", "summary", "describe", "help me", "walk me through",
        "how to", "how does", "how do", "how should", "what is", "what are", "why is", "what should",
        "tell me about", "suggest", "recommend*", "advice", "brainstorm", "paragraph*",
        "difference between", "what's the difference", "ideas", "plan", "create", "generate", "outline",
        "refactor", "unit test*", "debug", "fix this", "implement", "set up", "configure",
        // Chinese.
        "写", "解释", "总结", "介绍", "怎么",
    ];

    /// <summary>A long document plus one of these is a hard question about the document, not a summary request.</summary>
    public static readonly IReadOnlyList<string> HardQuestion =
    [
        "why", "whether", "risk*", "implication*", "assess", "evaluate", "inconsisten*", "contradict*",
        "compare", "should we", "should i", "is it", "which of",
    ];

    /// <summary>Counted to detect "why" chains: several whys in one message ask for causal reasoning.</summary>
    public static readonly IReadOnlyList<string> Why = ["why", "为什么", "为何"];
}
