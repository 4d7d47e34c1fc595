#!/usr/bin/env python3
"""Generates data/classifier/corpus.jsonl: labeled prompts for the learned `auto` classifier.

Written for this repository by the AspireRouter team (issue 19). Every prompt comes from the templates and slot
fillers below (or is one of the hand-written items in HAND_WRITTEN); nothing is copied from a public data set.
Deterministic: `python3 data/classifier/generate.py` with the fixed SEED always writes the same file.

Each line: {"id", "prompt", "system"?, "image"?, "max_tokens"?, "category", "task", "kind", "split"}
- category: what `auto` must route to (light, general, reasoning, multimodal, regional-cn).
- task: the text's difficulty (light, general, reasoning) whatever its language or images; the model learns this.
- kind: the template family, for the README's provenance table and error analysis.
- split: "test" for the fixed held-out 20 % (stratified by category, never used for tuning), else "train".
"""
import json, random, os

SEED = 19
R = random.Random(SEED)
pick = R.choice

def P(*xs):
    return pick(xs)

COUNTRIES = ["Canada", "Australia", "Japan", "Brazil", "Kenya", "Norway", "Peru", "Vietnam", "Egypt", "Portugal",
             "Chile", "Thailand", "Poland", "Morocco", "New Zealand", "Argentina", "Finland", "Ireland", "Turkey", "Mexico"]
LANGS = ["Spanish", "French", "German", "Italian", "Japanese", "Portuguese", "Dutch", "Korean", "English", "Polish"]
SENTENCES = [
    "Your order has shipped and should arrive within three business days.",
    "The meeting has been moved to Thursday at 10am.",
    "Please remember to bring your badge to the office tomorrow.",
    "We are sorry for the inconvenience caused by the outage.",
    "The museum is closed on Mondays.",
    "Can you send me the invoice for last month?",
    "Thank you for your patience while we investigate.",
    "The password must contain at least twelve characters.",
    "Dinner is ready, come downstairs.",
    "I left my umbrella on the train this morning.",
    "The new release fixes the login bug on Android.",
    "Our store opens at nine and closes at six.",
]
REVIEWS = [
    "Arrived two days late and the box was crushed, but the headphones sound great.",
    "Absolutely love this blender, it crushes ice in seconds.",
    "Terrible support, nobody answered my emails for a week.",
    "It's fine I guess. Does what it says.",
    "The app keeps crashing whenever I open the camera.",
    "Best pizza in town, the staff were super friendly!",
    "Refund took a month. Never again.",
    "Battery life is decent, screen is a bit dim outdoors.",
    "I was charged twice for my March subscription, please refund one of the charges.",
    "How do I change the email address on my account?",
    "Your courier left the parcel in the rain and now the book is ruined.",
    "Love the new checkout, took me ten seconds.",
]
LABELSETS = ["positive, negative or neutral", "billing, technical, account or other", "urgent or not urgent",
             "complaint, compliment or question", "spam or not spam", "bug report, feature request or question",
             "sales, support or legal", "toxic or non-toxic"]
TOPICS = ["photosynthesis", "inflation", "the TCP handshake", "vaccines", "black holes", "compound interest",
          "the French Revolution", "machine learning", "DNS", "the water cycle", "blockchains", "supply and demand",
          "garbage collection in .NET", "how HTTPS works", "plate tectonics", "the immune system", "Kubernetes",
          "index funds", "climate change", "the stock market", "REST APIs", "jet engines", "sourdough fermentation"]
LANGS_CODE = ["Python", "C#", "JavaScript", "TypeScript", "Go", "Rust", "Java", "SQL", "Bash", "Kotlin"]
CODE_TASKS = ["reads a CSV file and prints the average of the second column", "checks whether a string is a palindrome",
              "retries an HTTP call three times with a delay", "parses a date in ISO format", "merges two sorted lists",
              "removes duplicate entries from a list while keeping order", "counts word frequencies in a text file",
              "validates an email address", "paginates results from a REST API", "converts a temperature from Celsius to Fahrenheit",
              "uploads a file to blob storage", "reads environment variables with defaults", "flattens a nested dictionary"]
NAMES = ["Alice", "Bob", "Priya", "Chen", "Maria", "Tom", "Aisha", "Lars", "Kenji", "Sofia", "Omar", "Nina"]
ITEMS = ["apples", "notebooks", "tickets", "widgets", "boxes of tea", "bikes", "licenses", "chairs", "servers", "shirts"]
PRODUCTS = ["a standing desk", "a noise-cancelling headset", "a budgeting app", "a reusable water bottle", "a smart thermostat",
            "a project management tool", "an electric scooter", "a language-learning course", "a coffee grinder"]
CITIES = ["Lisbon", "Tokyo", "Chicago", "Berlin", "Seoul", "Cape Town", "Vancouver", "Rome", "Istanbul", "Melbourne"]

def light():
    if R.random() < 0.15:
        return light_more()
    k = R.randrange(16)
    if k == 0:
        return "capital", P(f"What is the capital of {pick(COUNTRIES)}?", f"capital of {pick(COUNTRIES)}",
                            f"What's {pick(COUNTRIES)}'s capital city?", f"Which city is the capital of {pick(COUNTRIES)}?",
                            f"what currency does {pick(COUNTRIES)} use", f"What language is spoken in {pick(COUNTRIES)}?",
                            f"What continent is {pick(COUNTRIES)} in?", f"Population of {pick(COUNTRIES)}, roughly?")
    if k == 1:
        return "translate", P(f"Translate to {pick(LANGS)}: {pick(SENTENCES)}", f"How do you say \"{pick(SENTENCES)}\" in {pick(LANGS)}?",
                              f"{pick(SENTENCES)}\n\nTranslate the above into {pick(LANGS)}.", f"Can you put this in {pick(LANGS)}? {pick(SENTENCES)}",
                              f"{pick(LANGS)} please: {pick(SENTENCES)}")
    if k == 2:
        return "classify", P(f"Classify this message as {pick(LABELSETS)}. Only output the label.\n\n{pick(REVIEWS)}",
                             f"Is the following {pick(LABELSETS)}? \"{pick(REVIEWS)}\"",
                             f"Label: {pick(LABELSETS)}\nText: {pick(REVIEWS)}\nLabel:",
                             f"\"{pick(REVIEWS)}\" -> {pick(LABELSETS)}?",
                             f"Which team should handle this ticket, {pick(LABELSETS)}? {pick(REVIEWS)}",
                             f"Sentiment of: {pick(REVIEWS)}")
    if k == 3:
        return "fact", P("How many legs does a spider have?", "Who wrote Pride and Prejudice?", "What year did the Berlin Wall fall?",
                         "Boiling point of water in Fahrenheit?", "How many days are in a leap year?", "What is the chemical symbol for gold?",
                         "Who painted the Mona Lisa?", "What's the tallest mountain in Africa?", "How many bytes in a kilobyte?",
                         "What does HTTP stand for?", "Which planet is closest to the sun?", "What's the largest ocean?",
                         "Who was the first person on the moon?", "What is the square root of 144?", "How many minutes are in a day?",
                         "What is the freezing point of water in Celsius?", "Is a tomato a fruit?", "What port does HTTPS use by default?",
                         f"When was {pick(['Google', 'Microsoft', 'Apple', 'Amazon', 'Netflix'])} founded?",
                         f"What time zone is {pick(CITIES)} in?")
    if k == 4:
        return "convert", P(f"Convert {R.randint(2, 500)} km to miles.", f"{R.randint(2, 90)} degrees Celsius in Fahrenheit?",
                            f"What is {R.randint(5, 40)}% of {R.randint(20, 900)}?", f"{R.randint(10, 99)} times {R.randint(3, 12)}?",
                            f"How many ounces in {R.randint(1, 9)} pounds?", f"convert {R.randint(1, 30)} GB to MB",
                            f"What's {R.randint(100, 999)} divided by {R.randint(2, 9)}?", f"Round {R.random() * 100:.4f} to two decimals.")
    if k == 5:
        return "spelling", P(f"Fix the spelling: \"{pick(['Teh meeting was recieved well', 'I definately agree', 'Its a grate idea', 'Wich one is beter', 'We acomodate all gests'])}\"",
                             f"Is \"{pick(['affect', 'their', 'whom', 'less', 'lay'])}\" correct in this sentence: \"{pick(SENTENCES)}\"",
                             f"Correct the grammar: \"{pick(['She dont like apples', 'Me and him goes to school', 'They was late again', 'Him and me is friends'])}\"",
                             f"Synonym for \"{pick(['happy', 'fast', 'important', 'difficult', 'big', 'smart'])}\"?",
                             f"What's the opposite of {pick(['generous', 'ancient', 'brave', 'rigid', 'scarce'])}?",
                             f"plural of {pick(['cactus', 'mouse', 'analysis', 'criterion', 'ox'])}")
    if k == 6:
        return "extract", P(f"Extract the email address from this text: \"Hi, reach me at {pick(NAMES).lower()}@example.com or call later.\"",
                            f"Pull out every date mentioned: \"We met on March 3, shipped on April 12 and invoiced on May 1.\"",
                            f"Return JSON with name and city: \"{pick(NAMES)} lives in {pick(CITIES)}.\"",
                            f"List the product names in: \"I bought {pick(PRODUCTS)} and {pick(PRODUCTS)} last week.\"",
                            f"What's the order number in this message? \"Order #{R.randint(10000, 99999)} hasn't arrived yet.\"",
                            f"Get the phone number out of: call {pick(NAMES)} at 555-{R.randint(1000, 9999)} after 5")
    if k == 7:
        return "chat", P("hi", "thanks!", "good morning", "ok cool", "Hello, are you there?", "thank you so much", "lol", "bye for now",
                         "What's up?", "Tell me a joke.", "Flip a coin.", "Pick a random number between 1 and 10.", "yes", "Say hello in Italian.")
    if k == 8:
        return "define", P(f"Define \"{pick(['ephemeral', 'latency', 'idempotent', 'serendipity', 'amortize', 'heuristic', 'ubiquitous'])}\" in one sentence.",
                           f"What does {pick(['ASAP', 'FYI', 'ETA', 'SLA', 'KPI', 'API', 'GDP', 'CPU'])} stand for?",
                           f"Meaning of the word {pick(['pragmatic', 'verbose', 'ambiguous', 'benevolent', 'candid'])}?",
                           f"Give me a one-word summary of this: {pick(REVIEWS)}")
    if k == 9:
        return "yesno", P(f"Yes or no: is {pick(COUNTRIES)} in Europe?", f"True or false: {pick(['the sun is a star', 'bats are birds', 'Python is compiled to bytecode', 'glass is a liquid', 'water boils at 100C at sea level'])}.",
                          f"Is {R.randint(2, 200)} a prime number?", f"Is {pick(CITIES)} north of the equator?", f"Does this sentence contain a typo? \"{pick(SENTENCES)}\"")
    if k == 10:
        return "format", P(f"Convert to title case: {pick(SENTENCES).lower()}", f"Make this all lowercase: {pick(SENTENCES).upper()}",
                           f"Turn into a bullet list: apples, pears, {pick(ITEMS)}, milk", f"Sort alphabetically: {', '.join(R.sample(NAMES, 5))}",
                           f"Count the words in: {pick(SENTENCES)}", f"Format this phone number as international: 0{R.randint(100000000, 999999999)}",
                           f"Suggest three hashtags for a post about {pick(TOPICS)}.", f"Add an emoji to: {pick(SENTENCES)}")
    if k == 11:
        # adversarial: reasoning or general cue words in a light task
        return "adv-light", P(f"Classify this sentence as math or not math: \"{pick(['Prove that the sum of two even numbers is even.', 'Solve for x in 2x+3=7.', 'Derive the formula for the area of a circle.'])}\"",
                              f"Translate into {pick(LANGS)}: \"We need to prove the concept before the demo.\"",
                              "Is the word 'optimal' an adjective or a noun?", "Spell 'probability' backwards.",
                              f"How many letters are in the word \"{pick(['derivation', 'counterexample', 'hypothesis', 'induction', 'equation'])}\"?",
                              "Tag this headline as sports, politics or tech: \"Why the new chip is a trade-off between speed and battery\"",
                              "What language is this: \"Beweisen Sie, dass die Wurzel aus 2 irrational ist\"?",
                              "Does the following title mention a proof? 'A simple proof of the four colour theorem'",
                              f"Extract the numbers from: \"Step by step, we raised {R.randint(2, 9)} million across {R.randint(2, 30)} cities.\"",
                              "One word answer: what is the opposite of 'explain'?")
    if k == 12:
        return "short-rewrite", P(f"Fix the typo in: \"{pick(['Plese send the file', 'Thansk for your help', 'See you tomorow', 'Recieved, thanks'])}\"",
                                  f"Shorten to under 8 words: {pick(SENTENCES)}", f"Rephrase in one line: {pick(SENTENCES)}",
                                  f"Put this in passive voice: {pick(['The team fixed the bug.', 'Maria wrote the report.', 'The dog chased the cat.'])}")
    if k == 13:
        return "lookup", P(f"What's the weather usually like in {pick(CITIES)} in {pick(['May', 'July', 'December', 'October'])}?",
                           f"How far is {pick(CITIES)} from {pick(CITIES)} roughly?", f"What's the area code for {pick(CITIES)}?",
                           "What is the keyboard shortcut to undo on a Mac?", "What's the default port for PostgreSQL?", "Which HTTP status means Not Found?",
                           f"ISO code for {pick(COUNTRIES)}?", "What's the git command to list branches?")
    if k == 14:
        return "label-system", P(f"{pick(REVIEWS)}", f"Ticket: {pick(REVIEWS)}")
    return "emoji-name", P(f"Give this pet a name: a {pick(['grey cat', 'tiny hamster', 'golden retriever', 'parrot'])}.",
                           f"Pick a color for a {pick(['bakery', 'law firm', 'gym', 'bookshop'])} logo, one word.",
                           f"Suggest a title for an email about {pick(['the holiday party', 'the server outage', 'Q3 goals', 'the new hire'])}.")

NOTES = ["fixed crash on startup when config missing", "added dark mode toggle", "bumped dependencies", "removed legacy v1 endpoint",
         "improved search latency by caching", "login now supports SSO", "fixed typo in onboarding email", "export to CSV added",
         "rate limiter now per user", "retry on 503 from payment provider", "new admin dashboard page", "deprecated XML import"]
INFORMAL = ["hey, can't make the meeting tmrw, something came up. can we move it? also the numbers in the deck look off, pls check before friday.",
            "so the server went down again last night, no idea why, we restarted it and it's fine now but somebody should look at it.",
            "yo, thanks for the help with the move!! couldn't have done it without u, pizza on me next week",
            "we're gonna be late on the delivery, supplier messed up, probably two weeks, sorry about that, will keep u posted",
            "the new intern is great, super quick learner, we should def keep her on after summer if budget allows",
            "ur invoice is overdue by like a month now, can u pay asap or tell us whats going on"]
PARA = ["Remote work has changed how teams communicate. Many companies now rely on chat tools and video calls, which can blur the line between work and personal time. Some employees report higher productivity, while others feel isolated.",
        "The city council approved a new bike lane network last week. Construction will start in spring and take about eighteen months. Local businesses are divided: some expect more foot traffic, others worry about losing parking spaces.",
        "Our quarterly sales grew in Europe but declined in North America, mainly because of a delayed product launch. Customer satisfaction scores stayed stable. The marketing team proposes a new campaign for the holiday season.",
        "Sleep plays a key role in memory consolidation. During deep sleep the brain replays experiences from the day, strengthening important connections. Lack of sleep has been linked to poorer attention and mood."]

INCIDENTS = ["Between 09:12 and 10:40 UTC the checkout service returned errors for about 30% of requests after a configuration change to the payment gateway timeout. The change was rolled back and the queue drained by 11:05.",
             "A certificate expired on the EU load balancer at 02:00, so mobile clients failed to connect for 47 minutes until the on-call engineer renewed it manually.",
             "A bulk import job locked the orders table, slowing the dashboard for two hours. We killed the job, added an index and rescheduled imports to the night."]
CONVERSATIONS = ["Customer: my parcel says delivered but it isn't here.\nAgent: sorry! can you check with neighbours?\nCustomer: did that, nothing. I want a refund.\nAgent: I've opened a claim with the carrier.",
                 "Customer: the app logs me out every hour.\nAgent: which version are you on?\nCustomer: 4.2 on iOS.\nAgent: we know about it, a fix ships Friday.",
                 "User: I was billed in dollars but I live in Germany.\nSupport: the currency follows the card's country.\nUser: that's not what your site says."]
FEEDBACK = ["1. The app crashes when I upload photos\n2. Love the new design\n3. Too many notifications\n4. Search is slow\n5. Crashes again on upload",
            "- delivery was fast\n- packaging wasteful\n- price went up again\n- support was kind but slow\n- would like more colours"]
POLICIES = ["items can be returned within 30 days, must be unused, refunds go to the original payment method, sale items are final",
            "employees may work remotely up to three days a week, core hours are 10 to 3, equipment is provided once per two years"]

def general_more():
    return "payload", P(f"Summarize this incident report for customers, in plain language:\n\n{pick(INCIDENTS)}",
                        f"Write a post-mortem draft from this: {pick(INCIDENTS)}",
                        f"Summarize this support conversation for the next agent:\n{pick(CONVERSATIONS)}",
                        f"Draft a reply to this customer, friendly and without promising a refund:\n{pick(CONVERSATIONS)}",
                        f"Group this feedback into the main themes:\n{pick(FEEDBACK)}",
                        f"Write an FAQ (five questions) for this policy: {pick(POLICIES)}",
                        f"Turn these notes into action items with owners:\n- {pick(NAMES)} to check the contract\n- {pick(NAMES)} to update the mockups\n- {pick(NAMES)} books the venue",
                        f"Write a {pick(['SQL query', 'regex', 'shell one-liner', 'Excel formula'])} that {pick(['finds the top 5 customers by revenue in 2023', 'matches UK postcodes', 'counts lines in all log files', 'sums sales per region'])} and explain it.",
                        f"Draft {R.randint(2, 5)} variations of a push notification about {pick(['items left in the cart', 'a flash sale', 'a new feature', 'a password change'])}.",
                        f"Explain {pick(['how a VPN works', 'why the sky is blue', 'what a 401(k) match is', 'how OAuth works', 'how vesting works', 'what causes tides', 'why planes can fly'])}.",
                        pick(["Why do cats purr?", "How do noise-cancelling headphones work?", "What causes inflation?", "How does a credit score work?",
                              "Why do we have leap years?", "How do vaccines train the immune system?", "What makes bread rise?", "How does GPS know where I am?"]))

def light_more():
    return "micro", P(f"Give me a subject line for an email about {pick(['the team lunch', 'the quarterly review', 'a late invoice', 'the office move'])}.",
                      f"Rewrite as a tweet under 200 characters: {pick(SENTENCES)}", f"Turn into a one-line status update: {pick(NOTES)}, {pick(NOTES)}",
                      f"Capitalise every word: {pick(['quarterly business review agenda', 'annual team offsite plan', 'new hire checklist'])}",
                      f"Which kinds of personal data appear in this note? Just list them. {pick(NAMES)} Smith, born 04/12/1980, phone 555-{R.randint(1000, 9999)}.",
                      f"Is this message threatening? \"{pick(['I know where you live and you will regret this.', 'See you at the meetup!', 'You will pay for that review.'])}\"",
                      f"Extract the codes from: 'Restock SKU-{R.randint(1000, 9999)} (x{R.randint(2, 50)}) and SKU-{R.randint(1000, 9999)} (x{R.randint(2, 50)})'",
                      f"Mark each as urgent or not: 1. {pick(['server alarm', 'new monitor request', 'payroll failed', 'coffee machine broken'])} 2. {pick(['lunch order', 'security breach', 'printer jam'])}",
                      f"A less formal word for \"{pick(['important', 'purchase', 'assistance', 'commence'])}\"?", pick(["Good morning! Can you help me?", "Hey, quick question.", "Are you a bot?", "Can you hear me?"]))

def general():
    if R.random() < 0.25:
        return general_more()
    k = R.randrange(16)
    if k == 0:
        return "email", P(f"Write an email to my landlord asking to fix the {pick(['heating', 'leaking tap', 'broken window', 'washing machine'])}.",
                          f"Draft a polite follow-up email to a client who hasn't replied about {pick(PRODUCTS)}.",
                          f"Can you write a thank-you note to {pick(NAMES)} for mentoring me this year?",
                          f"Compose a short announcement that our office in {pick(CITIES)} is moving next month.",
                          f"write a cover letter for a junior {pick(['data analyst', 'backend developer', 'nurse', 'UX designer'])} role")
    if k == 1:
        return "explain", P(f"Explain {pick(TOPICS)} to a beginner.", f"How does {pick(TOPICS)} work?", f"Can you explain {pick(TOPICS)} in simple terms with an example?",
                            f"What is {pick(TOPICS)} and why does it matter?", f"Give me an overview of {pick(TOPICS)}.", f"Teach me the basics of {pick(TOPICS)}.",
                            f"I never understood {pick(TOPICS)}. Walk me through it.")
    if k == 2:
        return "formal-rewrite", P(f"Rewrite this in a formal tone:\n\n{pick(INFORMAL)}", f"Make this sound professional for an email to my manager: {pick(INFORMAL)}",
                                   f"Can you turn this into a formal business message?\n{pick(INFORMAL)}", f"Please rewrite the following more formally and politely. {pick(INFORMAL)}",
                                   f"Polish this message for a client, keep it courteous: \"{pick(INFORMAL)}\"")
    if k == 3:
        notes = "\n".join("- " + n for n in R.sample(NOTES, R.randint(3, 6)))
        return "changelog", P(f"Turn these notes into a changelog for version {R.randint(1, 9)}.{R.randint(0, 20)}:\n{notes}",
                              f"Write release notes from these commit messages:\n{notes}", f"Here are my notes from the sprint:\n{notes}\nMake a user-facing changelog.",
                              f"Changelog please, grouped by Added/Fixed/Removed:\n{notes}")
    if k == 4:
        return "summarize", P(f"Summarize this:\n\n{pick(PARA)}", f"Give me the key points of the following text.\n{pick(PARA)}\n{pick(PARA)}",
                              f"TL;DR for my team, a short paragraph: {pick(PARA)}", f"Write a summary of this article for a newsletter: {pick(PARA)} {pick(PARA)}")
    if k == 5:
        return "code", P(f"Write a {pick(LANGS_CODE)} function that {pick(CODE_TASKS)}.", f"How do I write code in {pick(LANGS_CODE)} that {pick(CODE_TASKS)}?",
                         f"Give me a {pick(LANGS_CODE)} snippet which {pick(CODE_TASKS)}, with comments.", f"Implement a small script that {pick(CODE_TASKS)}.")
    if k == 6:
        code = pick(["def total(xs):\n    t = 0\n    for x in xs:\n        t = t + x\n    return t",
                     "public int Sum(List<int> xs) {\n    int t = 0;\n    foreach (var x in xs) { t += x; }\n    return t;\n}",
                     "function getUser(id) {\n  return fetch('/api/users/' + id).then(r => r.json());\n}",
                     "SELECT name, COUNT(*) FROM orders GROUP BY name;"])
        return "code-review", P(f"Refactor this code to be more readable:\n```\n{code}\n```", f"Write unit tests for this:\n```\n{code}\n```",
                                f"What does this code do?\n```\n{code}\n```", f"Add error handling to:\n```\n{code}\n```", f"Convert this to {pick(LANGS_CODE)}:\n```\n{code}\n```")
    if k == 7:
        return "brainstorm", P(f"Give me ten ideas for a birthday party for a {R.randint(5, 60)}-year-old.", f"Brainstorm names for {pick(PRODUCTS)}.",
                               f"Suggest some blog post topics about {pick(TOPICS)}.", f"What are some fun things to do in {pick(CITIES)} for a weekend?",
                               f"List some ways to improve team morale in a remote team.")
    if k == 8:
        return "plan", P(f"Plan a {R.randint(2, 7)}-day trip to {pick(CITIES)} on a mid-range budget.", f"Create a weekly workout plan for a beginner.",
                         f"Make a study schedule for learning {pick(LANGS_CODE)} in two months.", f"Help me plan a dinner menu for {R.randint(4, 12)} guests, one vegetarian.",
                         f"Outline an agenda for a one-hour kickoff meeting about {pick(PRODUCTS)}.")
    if k == 9:
        return "describe", P(f"Write a product description for {pick(PRODUCTS)}.", f"Write a short story about a {pick(['lonely robot', 'lost cat', 'retired pilot', 'young baker'])} in {pick(CITIES)}.",
                             f"Write a LinkedIn post announcing our launch of {pick(PRODUCTS)}.", f"Write a poem about {pick(['autumn', 'the sea', 'coffee', 'Mondays'])}.",
                             f"Write a 300-word blog post about {pick(TOPICS)}.")
    if k == 10:
        return "compare", P(f"What's the difference between {pick(LANGS_CODE)} and {pick(LANGS_CODE)}?", f"Compare renting and buying a home in general terms.",
                            f"Pros and cons of {pick(['electric cars', 'remote work', 'open offices', 'microservices', 'index funds'])}?",
                            f"Should I learn {pick(LANGS_CODE)} or {pick(LANGS_CODE)} first as a beginner?")
    if k == 11:
        # adversarial: light or reasoning cue words in a general task
        return "adv-general", P("Write a blog post about how our support team classifies tickets.", "Explain how machine translation works.",
                                f"Write a short story about a detective who loves to prove people wrong in {pick(CITIES)}.",
                                "Explain what a mathematical proof is, for a high-school newsletter.", "Write a friendly guide on how to extract value from customer feedback.",
                                "Summarize the history of probability theory in a few paragraphs.", "Draft an FAQ about our translation service.",
                                "Explain what sentiment analysis is used for in marketing.", "Describe the trade-offs of remote work in a light-hearted blog post.",
                                "Write a motivational speech about thinking step by step toward your goals.", "Explain the rules of sudoku to a child.",
                                f"Give tips on how to convert more website visitors into customers for {pick(PRODUCTS)}.")
    if k == 12:
        return "advice", P(f"How should I prepare for a job interview as a {pick(['teacher', 'software engineer', 'accountant', 'designer'])}?",
                           "Any tips for getting better sleep?", "How can I be more productive when working from home?",
                           f"My {pick(['tomato plants', 'houseplants', 'roses'])} have yellow leaves. What should I do?", "How do I ask for a raise?")
    if k == 13:
        return "config", P(f"How do I set up {pick(['nginx as a reverse proxy', 'a Python virtual environment', 'SSH keys on GitHub', 'Docker Compose for Postgres', 'a cron job'])}?",
                           f"Help me configure {pick(['ESLint', 'logging in ASP.NET Core', 'a GitHub Actions workflow', 'Redis persistence'])} for a small project.",
                           f"Why is my {pick(LANGS_CODE)} build failing with a missing dependency error? What should I check?")
    if k == 14:
        return "rewrite-long", P(f"Rewrite this paragraph for a younger audience:\n{pick(PARA)}", f"Make this more engaging for a newsletter:\n{pick(PARA)}",
                                 f"Improve the flow of this text:\n{pick(PARA)}")
    return "meeting", P(f"Turn these meeting notes into an email recap:\n- {pick(NOTES)}\n- {pick(NOTES)}\n- next sync {pick(['Monday', 'Friday'])}",
                        f"Write minutes for a meeting where we discussed {pick(TOPICS)} and {pick(PRODUCTS)}.",
                        "Prepare talking points for my one-on-one with my manager about workload.")

def reasoning():
    k = R.randrange(16)
    a, b, c, d = R.randint(2, 90), R.randint(2, 90), R.randint(2, 30), R.randint(100, 5000)
    if k == 0:
        return "word-problem", P(f"A train leaves {pick(CITIES)} at {R.randint(6, 11)}:00 going {a + 40} km/h. Another leaves the same station {R.randint(1, 3)} hours later at {b + 60} km/h on the same track. When and where does the second catch up?",
                                 f"{pick(NAMES)} has {a} {pick(ITEMS)}. She sells a third of them, buys {c} more, then gives half to {pick(NAMES)}. {pick(NAMES)} then returns {R.randint(1, 5)}. How many does each have now?",
                                 f"A tank fills in {c} hours with pipe A and {c + R.randint(2, 9)} hours with pipe B, while a leak empties it in {c + 20} hours. How long with both pipes and the leak?",
                                 f"If {c} workers build a wall in {R.randint(5, 20)} days, and after {R.randint(2, 4)} days {R.randint(2, 5)} workers leave, how many days does the whole job take?",
                                 f"A shop raises a price by {a % 40 + 5}% and later cuts it by {b % 40 + 5}%. The final price is ${d}. What was the original price, and did the customer gain or lose overall?",
                                 f"I invest ${d} at {R.randint(2, 9)}% compounded monthly and add ${R.randint(50, 500)} each month. What will I have after {R.randint(3, 15)} years?",
                                 f"Three friends split a bill of ${d}. {pick(NAMES)} pays {a % 50 + 10}% more than {pick(NAMES)}, who pays ${R.randint(20, 90)} less than {pick(NAMES)}. How much does each pay?",
                                 f"{pick(NAMES)} is {c} years older than {pick(NAMES)}. In {R.randint(3, 10)} years she will be twice his age. How old are they now?",
                                 f"A recipe for {R.randint(2, 6)} people needs {R.randint(100, 500)} g flour; I have {R.randint(600, 2000)} g and want to serve {R.randint(7, 20)} people while keeping 10% in reserve. How many batches, and what's left over?")
    if k == 1:
        return "logic", P(f"{', '.join(R.sample(NAMES, 4))} sit in a row. {pick(NAMES)} is not at either end, {pick(NAMES)} sits right of {pick(NAMES)}, and the two women are not next to each other. Who sits where?",
                          "On an island, knights always tell the truth and knaves always lie. A says 'B is a knave'. B says 'A and I are of the same type'. What are A and B?",
                          "Five houses in a row each have a different colour, pet and drink. The green house is left of the white one; the tea drinker keeps a dog; the owner of the middle house drinks milk. Who owns the fish?",
                          f"If all {pick(['bloops', 'wugs', 'zargs'])} are {pick(['razzies', 'fleems', 'tovs'])} and some razzies are not fleems, can we conclude anything about whether some bloops are fleems? Justify.",
                          "You have 12 coins, one is counterfeit and either heavier or lighter. With a balance scale and three weighings, how do you find it?",
                          "A man looks at a portrait and says 'Brothers and sisters I have none, but that man's father is my father's son.' Who is in the portrait? Justify each step.",
                          f"Each of {R.randint(4, 7)} meetings needs a room; meetings A and B overlap, B and C overlap, C and D overlap, A and D overlap. What is the minimum number of rooms and why?")
    if k == 2:
        return "proof", P("Prove that the square root of 2 is irrational.", f"Show that the sum of the first n odd numbers is n squared.",
                          "Prove there are infinitely many primes.", f"Derive the closed form of the sum of i^2 for i from 1 to n.",
                          "Prove by induction that 3^n - 1 is even for all natural n.", "Derive the quadratic formula.",
                          "Why is every bounded monotone sequence convergent? Give a rigorous argument.", "Is the function f(x)=x|x| differentiable at 0? Justify rigorously.")
    if k == 3:
        return "algorithm", P(f"Design an algorithm to find the k most frequent words in a stream of {d} million words with limited memory. Analyse its complexity.",
                              "Given an array of integers, find the longest subarray whose sum is divisible by k in linear time. Explain why it works.",
                              "What's the most efficient way to detect a cycle in a directed graph with 10 million edges, and what's its worst-case cost?",
                              "How would you schedule jobs with deadlines and profits to maximise total profit? Argue the greedy choice is correct.",
                              "Find the minimum number of coins for amount N with denominations that are not canonical; why does greedy fail?",
                              "Is it possible to sort n numbers in o(n log n) comparisons? Explain the lower bound.")
    if k == 4:
        return "debug-hard", P("Two threads update a shared counter through a lock-free compare-and-swap loop and occasionally the count is lower than expected on ARM but never on x86. What could cause it and how would you confirm?",
                               "Our service deadlocks under load only when the database pool is exhausted and a retry fires inside a transaction. Walk through the possible lock orderings and how to fix it.",
                               "After enabling HTTP/2, p99 latency doubled while p50 improved. What mechanisms could explain this, and which experiment distinguishes them?",
                               "Messages in our Kafka consumer are sometimes processed twice after a rebalance even with idempotent producers. What ordering guarantees are we violating?",
                               "Memory grows slowly for days in a .NET service, GC heap stays flat but the working set keeps rising. Reason about the likely sources and the order to investigate them.")
    if k == 5:
        return "tradeoff", P(f"We have ${d}k budget and must choose between hiring two senior engineers or four juniors for a {R.randint(6, 18)}-month project with a fixed deadline. Weigh the options and recommend one.",
                             "Should a 20-person startup move from a monolith to microservices given two releases a week and a single on-call engineer? Argue both sides and decide.",
                             "Compare event sourcing with CRUD plus an audit table for a payments ledger that must be reconstructible for seven years; which would you pick and what are the failure modes?",
                             f"Our SaaS churn is {c % 9 + 2}% monthly, CAC is ${d} and ARPU ${a + 20}. Is it worth doubling marketing spend? Work out the economics.",
                             "Evaluate whether we should store user sessions in Redis or in signed cookies for a service that must survive a region failover.")
    if k == 6:
        return "legal-finance", P("A contractor's agreement says work product belongs to the client 'upon payment'. The client paid 80% and used the code. Who owns the copyright, and what are each side's options?",
                                  f"A company earns $ {d}k in Germany and $ {d // 2}k in the US. How would double taxation be avoided for a US parent, and what credits apply?",
                                  "Is a non-compete clause enforceable for a remote employee who lives in California but works for a Texas company? Analyse.",
                                  f"Calculate the NPV of a project costing ${d}k with cash flows of ${a * 10}k per year for {R.randint(3, 8)} years at {R.randint(5, 12)}% discount rate, and say whether to invest.",
                                  "Our terms limit liability to fees paid in the last 12 months. A customer lost data due to our bug and claims consequential damages. Assess our exposure.")
    if k == 7:
        # known miss: multi-step quantitative problems without cue words
        return "quant-nocue", P(f"A bat and a ball cost ${1 + c / 100:.2f} in total. The bat costs $1.00 more than the ball. How much does the ball cost?",
                                f"If {c} machines make {c} widgets in {c} minutes, how long would {c * 10} machines take to make {c * 10} widgets?",
                                f"A lily pad patch doubles every day and covers the lake on day {a}. On which day was it a quarter covered?",
                                f"We ship {d} parcels a week; {a % 20 + 1}% are returned and each return costs ${c} plus the original ${R.randint(3, 9)} shipping. If a new carrier cuts returns by a third but charges ${R.randint(1, 3)} more per parcel, which is cheaper per year?",
                                f"A car's value drops {R.randint(10, 25)}% per year. It cost ${d * 10}. After how many full years is it worth less than a third of that?",
                                f"{pick(NAMES)} reads {c} pages on weekdays and {c * 2} on weekends. Starting on a Wednesday, on which day does she finish a {d // 5 + 200}-page book?",
                                f"The average of five numbers is {a}. Removing one number makes the average {a + R.randint(1, 5)}. What number was removed?",
                                f"A server handles {d} requests per second at {a % 60 + 20}% CPU. Traffic grows {c}% a month. In how many months do we pass 80% CPU, assuming linear scaling?",
                                f"Bus A comes every {R.randint(7, 15)} minutes, bus B every {R.randint(16, 25)} minutes, both just left. When do they next leave together, and how many buses leave in between?",
                                f"There are {c + 10} people at a party; everyone shakes hands with everyone else exactly once except couples, and there are {c // 3 + 1} couples. How many handshakes?",
                                f"An investor buys {a} shares at ${b}, {b} more at ${a}, then sells {min(a, b)} at ${(a + b) // 2 + 5}. What's her average cost and realized gain?")
    if k == 8:
        return "probability", P(f"Two dice are rolled. What are the chances that the sum is at least {R.randint(7, 11)} given that one die shows a {R.randint(1, 6)}?",
                                "A test for a disease is 99% accurate and the disease affects 1 in 1000 people. If I test positive, how likely is it that I'm sick?",
                                f"From a deck of 52 cards I draw {R.randint(3, 5)} without replacement. How likely is it that at least two are hearts?",
                                "In a room of 30 people, how likely is it that two share a birthday? Show the calculation.",
                                "You pick one of three doors, the host opens an empty one and offers a switch. Should you switch? Explain.")
    if k == 9:
        return "math", P(f"Solve the system: {a}x + {b}y = {d}, {c}x - y = {a}.", f"Find all real x with x^2 - {c}x + {c + 1} = 0 and x > 1.",
                         f"What's the integral of x * e^(-x) from 0 to {c}?", f"Find the minimum of f(x) = x^2 + {d}/x for x > 0.",
                         f"How many integers between 1 and {d} are divisible by {c % 7 + 2} or {c % 5 + 3} but not both?",
                         f"What is the remainder of 7^{d} divided by {c % 11 + 5}?")
    if k == 10:
        return "analysis", P(f"Here is our incident timeline: {pick(NOTES)}; then error rate rose to {a}%; rollback took {c} minutes; the second region failed too. What is the most likely root cause chain and what evidence would rule out alternatives?",
                             f"Given these figures — revenue up {a % 30}%, margin down {c % 10} points, inventory days up from {a} to {a + b} — what's going on in this business and what should management investigate first?",
                             "Our A/B test shows variant B converting 4.1% vs 3.8% with 12,000 users each. Is this significant, and should we ship it?",
                             f"Critique this argument: 'Cities with more police have more crime, so police cause crime.' What's wrong and how would you test it?")
    if k == 11:
        # adversarial: light cue words in a reasoning task
        return "adv-reasoning", P("Classify each of these syllogisms as valid or invalid and justify every step: (1) All A are B, all B are C, so all A are C. (2) Some A are B, some B are C, so some A are C.",
                                  "Translate this English argument into propositional logic and determine whether the conclusion follows: if it rains the match is cancelled; the match was not cancelled; so it did not rain.",
                                  f"Extract the hidden assumption in this plan and show why it breaks when demand grows {c}% a month: we keep one warehouse and restock weekly.",
                                  "Answer yes or no, then justify carefully: can a graph with 7 vertices each of degree 3 exist?",
                                  "Reply with a single number after working it out: how many trailing zeros does 100! have?",
                                  "One word answer, but think it through first: if today is Wednesday, what day is it 1000 days from now?",
                                  "Label each of these three contracts clauses as enforceable or not, and explain the legal reasoning for each.",
                                  f"Is {d * 7 + 1} prime? Don't just answer, reason about divisibility.")
    if k == 12:
        return "planning-hard", P(f"Schedule {R.randint(5, 8)} exams into {R.randint(3, 4)} days so that no student with overlapping courses has two on the same day: courses A-B, B-C, C-D, A-E, E-F share students. Give a valid schedule or show none exists.",
                                  f"A delivery van starts at the depot and must visit {R.randint(5, 7)} stops with time windows; stop 3 closes at noon and stop 5 opens at 1pm. Find the shortest feasible order given these distances: depot-1 {a}, 1-2 {b}, 2-3 {c}, 3-4 {a}, 4-5 {b}.",
                                  f"We have {R.randint(3, 6)} engineers and {R.randint(8, 12)} tasks with dependencies (B after A, D after B and C, F after E). Minimise the finish date and explain the critical path.")
    if k == 13:
        return "causal", P("Why do heavier objects not fall faster in a vacuum, and why does a feather fall slower in air? Connect both to Newton's laws precisely.",
                           "Why did the 2008 crisis spread from US housing to European banks, and why did interbank lending freeze? Trace the causal chain.",
                           "If we double the replicas of our stateless service, why might p99 latency get worse? Explain the mechanisms.")
    if k == 14:
        return "estimate", P(f"Estimate how many piano tuners work in {pick(CITIES)}, stating each assumption and checking it for consistency.",
                             f"How much storage would we need to keep {d} events per second for {R.randint(1, 5)} years at {R.randint(200, 900)} bytes each, with 3x replication and 40% compression?",
                             f"Our API has {d} customers averaging {a} calls a minute with peaks at {c}x. How many instances at {R.randint(200, 900)} rps each do we need with N+2 redundancy?")
    if k == 15 and R.random() < 0.5:
        return "expected", P(f"What's the expected number of {pick(['coin flips', 'die rolls'])} until {pick(['two heads in a row', 'a six appears twice', 'three tails in a row'])}?",
                             f"Is it legal for my employer in {pick(['New York', 'Texas', 'Ontario', 'Bavaria'])} to change my {pick(['commission', 'bonus', 'overtime pay'])} retroactively? Walk through the rules.",
                             f"My landlord kept my ${R.randint(500, 3000)} deposit for 'wear and tear' after {R.randint(1, 6)} years. Can he, and what can I do about it?")
    return "code-reason", P("Given this recursive function f(n) = f(n-1) + f(n-2) with memoization in a dictionary shared across threads, what is the complexity and can it give wrong results concurrently?",
                            "Why does this binary search loop forever for some inputs? lo=0; hi=n; while lo<hi: mid=(lo+hi)//2; if a[mid]<x: lo=mid else: hi=mid",
                            "Prove or disprove that this lock-free stack is ABA-safe when nodes are reused from a pool.")

# Chinese prompts: regional-cn whatever the task; the task field still says how hard they are.
ZH_LIGHT = ["把这句话翻译成英文：{s}", "这条评论是正面还是负面？“{r}”", "{c}的首都是哪里？", "请把下面的句子改得更通顺：{s}", "一句话总结：{r}",
            "提取这段话里的日期：我们三月三日见面，四月十二日发货。", "“{w}”是什么意思？", "现在几点了？", "你好", "谢谢！", "{n}乘以{m}等于多少？"]
ZH_GENERAL = ["帮我写一封邮件给客户，说明{p}将延迟两周发货。", "请解释一下{t}是怎么回事，用通俗的话。", "写一篇关于{t}的短文，大约三百字。",
              "帮我把这些笔记整理成更新日志：修复登录问题；新增导出功能；移除旧接口。", "给我推荐几个在{city}周末可以去的地方。", "用{lang}写一个函数，{task}。",
              "总结一下这段话的要点：远程办公改变了团队沟通方式，很多公司依赖聊天工具和视频会议。", "我想学习编程，应该从哪里开始？"]
ZH_REASONING = ["证明根号2是无理数。", "一列火车以每小时{n}公里的速度出发，两小时后另一列以每小时{m}公里的速度追赶，多久能追上？请一步一步推导。",
                "甲乙丙三人中只有一人说真话，甲说乙在说谎，乙说丙在说谎，丙说甲和乙都在说谎。谁说的是真话？",
                "我们公司应该自建机房还是上云？请从成本、风险和扩展性权衡利弊。", "这份合同的违约条款是否有效？请分析双方的法律风险。",
                "一个数列满足a(n)=2a(n-1)+1，a(1)=1，求通项公式并证明。", "如果利率上升{n}%，我们的贷款成本和现金流会怎样变化？请详细推算。"]
ZH_WORDS = ["内卷", "躺平", "韧性", "杠杆"]

def zh():
    task = R.choice(["light", "general", "reasoning"])
    tpl = pick({"light": ZH_LIGHT, "general": ZH_GENERAL, "reasoning": ZH_REASONING}[task])
    text = tpl.format(s=pick(SENTENCES), r=pick(REVIEWS), c=pick(["加拿大", "日本", "巴西", "澳大利亚"]), w=pick(ZH_WORDS), n=R.randint(20, 120),
                      m=R.randint(20, 150), p=pick(["订单", "新设备", "软件更新"]), t=pick(["通货膨胀", "区块链", "光合作用", "机器学习"]),
                      city=pick(["上海", "杭州", "成都", "北京"]), lang=pick(LANGS_CODE), task=pick(["读取CSV文件", "判断回文字符串", "合并两个有序列表"]))
    if R.random() < 0.15:
        # Chinese instruction on an English payload: still regional-cn (the writer's language).
        text = pick(["请帮我检查这段英文邮件的语法：", "请把下面的英文翻译成中文：", "总结下面这段英文："]) + pick(SENTENCES + PARA)
    return "zh", task, text

IMG_TEXTS = [("light", "What's the total on this receipt?"), ("light", "What colour is the car in the picture?"), ("general", "Describe this image in detail."),
             ("general", "Write an alt text for this product photo."), ("reasoning", "Prove the theorem written on this whiteboard photo is correct."),
             ("reasoning", "Solve the geometry problem in the attached picture step by step."), ("light", "Translate the sign in this photo to English."),
             ("general", "What's wrong with my plant? See the photo."), ("light", "图片里有几只猫？"), ("general", "Summarize the slide in this screenshot."),
             ("reasoning", "Here is a chart of our monthly revenue. What explains the dip and is it statistically significant?"), ("light", "Extract the text from this scan.")]

# Mixed-language prompts below the CJK threshold: the model decides, by task.
def mixed():
    task, text = pick([
        ("light", f"Translate to English: {pick(['你好，很高兴认识你', '谢谢你的帮助', '明天见', '我喜欢喝茶'])}"),
        ("light", f"What does {pick(['内卷', '躺平', '加油', '马马虎虎'])} mean in English?"),
        ("light", f"How do you pronounce {pick(['北京', '谢谢', '学习', '电脑'])} in pinyin?"),
        ("general", f"Write a short welcome email for our new colleague {pick(['王伟', '李娜', '张敏'])} who joins the Shanghai office next Monday, mention the onboarding schedule and the team lunch."),
        ("general", "Explain the cultural meaning of the Chinese idiom 画蛇添足 and give two examples of how to use it in English business writing."),
        ("reasoning", "A factory in 深圳 produces 1,200 units a day with a 3% defect rate; a new line in 苏州 produces 800 a day at 1.5% but costs 20% more per unit. Which mix of the two minimises cost for 1,500 good units a day?"),
        ("reasoning", "Prove that for any integer n, n^3 - n is divisible by 6. (My teacher wrote 证明 on the board but I need it in English.)"),
    ])
    return "mixed", task, text

# Hand-written items: the known miss kinds, phrased differently from the templates, plus long prompts.
HAND_WRITTEN = [
    ("light", "light", "What is the capital city of Canada?"), ("light", "light", "capital of peru?"),
    ("light", "light", "Which country has Canberra as its capital?"),
    ("general", "general", "Rewrite the following to sound formal, it goes to the board: we blew the budget on cloud stuff this quarter, mostly because nobody turned off the test clusters. fixing it now."),
    ("general", "general", "Notes from this week: fixed the flaky payment test, new retry policy for webhooks, dropped Node 16 support, docs for the CLI. Write the changelog entry."),
    ("reasoning", "reasoning", "Jane is twice as old as Tom was when Jane was as old as Tom is now. Tom is 24. How old is Jane?"),
    ("reasoning", "reasoning", "A warehouse stocks 480 crates. Each truck carries 35 crates, costs $120 per trip plus $2 per crate, and a second warehouse 40 km away charges $1.50 per crate but trips cost $90. How should the crates be split to spend the least?"),
    ("reasoning", "reasoning", "Four people need to cross a bridge at night with one torch; they take 1, 2, 5 and 10 minutes and at most two cross at once. What's the fastest total time?"),
]

def long_prompt(kind_fn, category):
    kind, text = kind_fn()
    filler = " ".join(R.sample(PARA, len(PARA)))
    if category == "light":
        return kind + "-long", f"Context (for reference only):\n{filler}\n\n{text}"
    return kind + "-long", f"{filler}\n\n{filler}\n\n{text}"

def main():
    rows = []
    def add(category, task, kind, text, **extra):
        rows.append({"prompt": text, "category": category, "task": task, "kind": kind, **extra})
    gens = {"light": light, "general": general, "reasoning": reasoning}
    for category, count in (("light", 560), ("general", 560), ("reasoning", 560)):
        seen = set()
        while sum(1 for r in rows if r["category"] == category) < count:
            kind, text = (long_prompt(gens[category], category) if R.random() < 0.06 else gens[category]())
            if text in seen:
                continue
            seen.add(text)
            extra = {}
            if R.random() < 0.12:
                extra["max_tokens"] = pick([16, 32, 64, 256, 1024])
            if category == "light" and kind == "label-system":
                extra["system"] = pick(["Reply with the label only: positive, negative or neutral.", "You are a ticket router. Answer with one department name."])
            add(category, category, kind, text, **extra)
    seen = set()
    while sum(1 for r in rows if r["category"] == "regional-cn") < 140:
        kind, task, text = zh()
        if text not in seen:
            seen.add(text)
            add("regional-cn", task, kind, text)
    for task, text in IMG_TEXTS:
        add("multimodal", task, "image", text, image=True)
    for _ in range(60):
        # An image makes any prompt multimodal, whatever its words say.
        task = pick(["light", "general", "reasoning"])
        kind, text = gens[task]()
        add("multimodal", task, "image", pick(["", "See the attached photo. ", "In this screenshot: "]) + text, image=True)
    for _ in range(60):
        kind, task, text = mixed()
        add(task, task, kind, text)
    for category, task, text in HAND_WRITTEN:
        add(category, task, "hand", text)
    # Deduplicate (mixed and image items repeat on purpose only across splits, never inside one).
    unique, keys = [], set()
    for r in rows:
        key = (r["prompt"], r.get("image", False))
        if key not in keys:
            keys.add(key)
            unique.append(r)
    R.shuffle(unique)
    by_cat = {}
    for r in unique:
        by_cat.setdefault(r["category"], []).append(r)
    for cat, items in by_cat.items():
        for i, r in enumerate(items):
            r["split"] = "test" if i % 5 == 0 else "train"
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for i, r in enumerate(unique):
            f.write(json.dumps({"id": i + 1, **r}, ensure_ascii=False) + "\n")
    print(f"wrote {len(unique)} prompts to {out}")
    for cat, items in sorted(by_cat.items()):
        print(f"  {cat:12} {len(items):5}  test {sum(1 for r in items if r['split'] == 'test')}")

main()
