"""Every fixed English phrase the engine uses, in one place (for wording changes and translation).

Each entry is a list of variants; the engine picks one with the debate's seeded random generator.
Placeholders: {clause} (a claim's spoken clause, after "that"), {phrase} (its spoken noun phrase, after
"about"), {claim} (a claim title), {side}, {motion}, {status}, {limit}, {n}. Intro phrases are drawn without
replacement within a debate (see DebateEngine._intro), so a list needs as many variants as a debate has turns.
"""

REBUT_INTRO = [
    "You argue that {clause}. Here is the problem with that.",
    "You say that {clause}, but the record points elsewhere.",
    "I don't accept that {clause}.",
    "Let's test your point about {phrase} against the evidence.",
    "Your case on {phrase} runs into trouble.",
    "The evidence on {phrase} cuts the other way.",
    "There is a problem with the idea that {clause}.",
    "Your point about {phrase} doesn't hold up.",
]
DEFEND_INTRO = [
    "You went after my point that {clause}. It still stands.",
    "You're attacking my point about {phrase}. Here is why that attack fails.",
    "That doesn't knock down my point that {clause}.",
    "On {phrase}, your objection misses.",
    "My point about {phrase} survives your attack.",
    "You haven't shaken my point that {clause}.",
    "I still hold that {clause}, and here is why.",
    "Your objection to my point about {phrase} doesn't work.",
]
CONCEDE_POINT = [
    "On {phrase} you have landed a blow, and I've nothing new to add. I concede that point.",
    "Fair hit on {phrase}. I have no answer left there, so I concede it and rest on my other arguments.",
]
ACKNOWLEDGE = [
    "Careful. That {clause} is an argument for my side, so thank you for the concession.",
    "You've just made my case for me, since {clause}. I'll take that.",
    "Interesting. That {clause} actually supports my side of the motion.",
]
CLARIFY_STANCE = (
    "I'm not sure which way you mean that. The point that {clause} is an argument for my side. "
    "Are you agreeing with it, or attacking it? Tell me which, and why."
)
CLARIFY_CLAIMS = (
    "I'm not sure which point you're making. Is it that {first}, or that {second}? Say a bit more and I'll answer it."
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
    "A hint: your side could argue that {clause}. For example: {example} Put it in your own words, "
    "with evidence if you have it, and I'll answer it. {left}"
)
HINTS_LEFT = "(You have {n} hint{s} left.)"
HINTS_LAST = "(That was your last hint.)"
HINTS_USED = "You've used your {n} hint{s} for this debate. Trust your own case now: what is your strongest point?"
HINTS_OFF = "Hints are turned off for this debate. Make the strongest argument you can think of."
HINT_ALL_GIVEN = (
    "I've already pointed you to every argument I know for your side. Make the one I gave you: that {clause}, "
    "in your own words."
)
HINT_NONE = "You've already raised every argument I know for your side. Press the strongest one harder, with evidence."
DENIAL_REDIRECT = (
    "That is the record, and it is not up for debate. What is open is why it happened and who carries the "
    "responsibility: make an argument about that."
)
CORRECTION_INTRO = "A correction in passing:"
CONFUSION = "That sounds like a different event. We're debating {scope}."
CONFUSION_NUDGE = 'Back to our motion: "{motion}". What\'s your argument?'
GROUND_GIVEN = "Noted. You've given ground on {phrase}, an argument of your own side."
ALREADY_ANSWERED = [
    "You've argued before that {clause}, and my answer stands. Nothing new has been added to it.",
    "We've been over {phrase}. Repeating it doesn't answer my rebuttal.",
]
ADVANCE_INTRO = [
    "Now consider {phrase}.",
    "Add to that my next point, that {clause}.",
    "Here is a further point, that {clause}.",
    "A new point for you to answer is that {clause}.",
    "Consider, too, that {clause}.",
    "My next argument is that {clause}.",
    "Think also about {phrase}.",
    "There is more, because {clause}.",
]
OPENING_INTRO = [
    "**My opening for the side \u201c{side}\u201d.**",
    "**Opening statement, for \u201c{side}\u201d.**",
]
OPENING_SECOND = [
    "Second, {clause}.",
    "My second point is that {clause}.",
    "And there is more, because {clause}.",
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
    "Commands: /status (where we are), /more (the full evidence of my last reply), /concede (give up the "
    "debate), /end (stop now and get the scorecard), /hint (an argument your side could make), /help (this text)."
)
REPLY_FALLBACK_KIND = "Let's keep to the motion: \u201c{motion}\u201d. {status}."
ALREADY_CONCEDED = "I have already conceded my point about {phrase} to you. My case rests on the rest."
SHORT_STATUS = "{phase}, round {round} of {rounds} \u00b7 {left} turn{s} left for you"
FORFEITED = [
    "Time's up for that turn, so it passes to me.",
    "The clock ran out on your turn; I'll carry on.",
]
