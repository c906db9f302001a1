"""Every fixed English phrase the engine uses, in one place (for wording changes and translation).

Each entry is a list of variants; the engine picks one with the debate's seeded random generator.
Placeholders: {claim} (a claim title), {side}, {motion}, {status}, {limit}, {n}.
"""

REBUT_INTRO = [
    "You argue that **{claim}**. Here is the problem with that.",
    "On **{claim}**: I don't buy it.",
    "Your point, **{claim}**, runs into trouble.",
    "Let's test **{claim}** against the evidence.",
    "**{claim}**? The record points elsewhere.",
]
DEFEND_INTRO = [
    "You went after my point that **{claim}**. It still stands.",
    "You're attacking **{claim}**. Here is why that attack fails.",
    "That doesn't knock down **{claim}**.",
    "On **{claim}**, your objection misses.",
]
CONCEDE_POINT = [
    "On **{claim}** you have landed a blow, and I've nothing new to add: I concede that point.",
    "Fair hit on **{claim}**. I have no answer left there, so I concede it and rest on my other arguments.",
]
ACKNOWLEDGE = [
    "Careful: **{claim}** is an argument for my side. Thank you for the concession.",
    "You've just made my case for me: **{claim}**. I'll take that.",
    "Interesting: **{claim}** actually supports my side of the motion.",
]
CLARIFY_STANCE = (
    "I'm not sure which way you mean that. **{claim}** is an argument for my side: are you agreeing with it, "
    "or attacking it? Tell me which, and why."
)
CLARIFY_CLAIMS = (
    "I'm not sure which point you're making: **{first}**, or **{second}**? Say a bit more and I'll answer it."
)
DECLINE_WORK = [
    "I won't write your essay or homework: I'm your opponent in this debate, arguing \u201c{bot_side}\u201d. "
    "Arguing it out here is good practice for writing it yourself. What's your next argument?",
    "I can't do your essay or homework for you: I stay in my role as your sparring partner. Make your case for "
    "\u201c{user_side}\u201d and I'll answer it.",
]
AWAY = [
    "No rush: the debate waits for you. When you're back, it's your turn.",
    "Take your time. Nothing is lost; your turn is open whenever you return.",
]
HINT = (
    "A hint: your side could argue **{claim}**. For example: {example} Put it in your own words, "
    "with evidence if you have it, and I'll answer it."
)
HINT_NONE = "You've already raised every argument I know for your side. Press the strongest one harder, with evidence."
DENIAL_REDIRECT = (
    "That is the record, and it is not up for debate. What is open is why it happened and who carries the "
    "responsibility: make an argument about that."
)
CORRECTION_INTRO = "A correction in passing:"
CONFUSION = "That sounds like a different event. We're debating {scope}."
CONFUSION_NUDGE = 'Back to our motion: "{motion}". What\'s your argument?'
GROUND_GIVEN = "Noted: you've given ground on **{claim}**, an argument of your own side."
ALREADY_ANSWERED = [
    "You've raised **{claim}** before, and my answer stands: nothing new has been added to it.",
    "We've been over **{claim}**; repeating it doesn't answer my rebuttal.",
]
ADVANCE_INTRO = [
    "And here is a point you haven't dealt with: **{claim}**.",
    "Now consider this: **{claim}**.",
    "Add to that: **{claim}**.",
    "Meanwhile, you have yet to answer this: **{claim}**.",
]
OPENING_INTRO = [
    "**My opening for the side \u201c{side}\u201d.**",
    "**Opening statement, for \u201c{side}\u201d.**",
]
OPENING_SECOND = [
    "Second: **{claim}**.",
    "And there is more: **{claim}**.",
]
CLOSING_INTRO = [
    "**My closing statement.**",
    "**Closing.**",
]
CLOSING_STANDING = "My arguments you never answered still stand: {claims}."
CLOSING_ANSWERED = "You challenged {claims}, and I defended them on the evidence."
CLOSING_CONCEDED = "I conceded {claims} to you."
CLOSING_REBUTTED = "Your arguments on {claims} met evidence you did not overcome."
CLOSING_NOTHING = "You raised no argument of the motion that I could identify, so my case stands unopposed."
CLOSING_END = [
    "The motion was: \u201c{motion}\u201d. Thank you for a good debate.",
    "That is the clash on \u201c{motion}\u201d. Well argued, and thank you.",
]
USER_CONCEDED = "You conceded the debate. No shame in that: the scorecard below shows where to push next time."
USER_ENDED = "Debate ended early. Here is your scorecard so far."
TOO_LONG = [
    "That message is {n} characters; turns are limited to {limit}. Please shorten it and send it again "
    "(nothing was counted).",
]
UNCLEAR_CLOSING_OK = "Noted as your closing statement."
STATUS = (
    "{phase}, round {round} of {rounds} \u00b7 {left} of your turns left \u00b7 you argue \u201c{user_side}\u201d, "
    "I argue \u201c{bot_side}\u201d"
)
STATUS_FINISHED = "This debate is finished ({outcome})."
HELP = (
    "Make your argument in your own words: I find the claims you make, answer each one with evidence, "
    "and advance a new point of my own every round.\n"
    "Commands: /status (where we are), /concede (give up the debate), /end (stop now and get the "
    "scorecard), /help (this text)."
)
REPLY_FALLBACK_KIND = "Let's keep to the motion: \u201c{motion}\u201d. {status}."
ALREADY_CONCEDED = "I have already conceded **{claim}** to you; my case rests on the rest."
SHORT_STATUS = "{phase}, round {round} of {rounds} \u00b7 {left} turn{s} left for you"
FORFEITED = [
    "Time's up for that turn, so it passes to me.",
    "The clock ran out on your turn; I'll carry on.",
]
