"""Every user-facing text of the Discord adapter, in one place (ready for translation)."""

from __future__ import annotations

# ---------------------------------------------------------------- command and option descriptions
GROUP = "Debate the bot: it plays the other side, with evidence and sources"
START = "Start a debate: a thread (or this DM) where your messages are your turns"
START_TOPIC = "The motion to debate (default: the first topic)"
START_SIDE = "Your side; leave empty to choose with buttons, or pick random"
START_ROUNDS = "Rebuttal rounds (1-10; default: the topic's format)"
START_PRIVATE = "A private thread only you, the bot and moderators can see"
START_TIME = "Minutes you have for each turn (1-1440; default: no limit)"
STATUS = "Where your debate stands: phase, round, turns left"
CONCEDE = "Concede the debate and get your scorecard"
END = "End a debate early (participant, or a moderator with Manage Threads)"
TOPICS = "The motions you can debate"
HISTORY = "Your own debates"
TRANSCRIPT = "A debate's transcript as a file (participants, their class's teachers, moderators)"
TRANSCRIPT_ID = "Debate number (default: the debate in this thread, or your latest)"
TRANSCRIPT_FORMAT = "File format"
HELP = "How debating with Counterpoint works"
LINK = "A signed web link to a debate's transcript (participants, moderators, teachers)"
LINK_READY = "Transcript of debate #{id} in the browser (valid {days} days, don't share it): {url}"
RANDOM_SIDE = "Random"

# ---------------------------------------------------------------- replies
CHOOSE_SIDE = "**{motion}**\nWhich side will you argue? I take the other one."
MORE_EVIDENCE = "More evidence"
MORE_GONE = "That reply is no longer in the log."
NOT_YOUR_BUTTON = "These buttons belong to the person who started this debate; use `/debate start` for your own."
ALREADY_RUNNING = "You already have a debate running here: {where}. Finish it or `/debate end` it first."
STARTED = "Your debate is ready in {where}. Post your opening statement there; each message is a turn."
STARTED_DM = "Your debate starts here. Each message you send is a turn."
WHERE_DM = "your DMs with Counterpoint ({link})"
NO_THREADS = (
    "I can't open a thread here (missing permission to create threads). Ask a moderator to let me create "
    "threads and send messages in them, or start the debate in a DM with me."
)
PRIVATE_FALLBACK = "Private threads aren't available here, so I opened a public thread."
WRONG_CHANNEL = "Start a debate in a text channel, a thread, or a DM with me."
NO_DEBATE_HERE = "There is no active debate here. Start one with `/debate start`."
NO_DEBATE = "You have no active debate. Start one with `/debate start`."
NOT_PARTICIPANT = "Only the debater (or a moderator with Manage Threads) can do that."
NOT_YOUR_TRANSCRIPT = (
    "Only the debater, the teachers of the debate's class and moderators (Manage Threads) of its server "
    "can fetch this transcript."
)
UNKNOWN_DEBATE = "I can't find debate #{id}."
NOT_A_TURN_HINT = (
    "{name}, this thread is {owner}'s debate, so your messages here are not turns. Start your own with `/debate start`."
)
DM_NO_DEBATE = "Hi! Start a debate with `/debate start` (right here in this DM, or in a server channel)."
COOLDOWN = "Slow down a little: I take one turn every {seconds:g} s. Messages sent meanwhile are not turns."
REMINDER = "{mention}, about {left} left for your turn, or it passes to me."
SEND_FAILED_DM = (
    "I couldn't post my reply in your debate thread, but your turn and my answer are saved. "
    "Use `/debate status` or `/debate transcript` to see them."
)
THREAD_GONE = "The thread of debate #{id} was deleted, so I ended the debate. Your transcript is saved."
HISTORY_EMPTY = "You have no debates yet. Start one with `/debate start`."
TRANSCRIPT_READY = "Transcript of debate #{id}."
STORAGE_DOWN = (
    "I couldn't save that turn (my log can't be written right now), so it doesn't count yet. "
    "Nothing is lost: please send it again in a little while."
)
ERROR_GENERIC = "Something went wrong on my side. Your debate is saved; please try again in a moment."
ERROR_FORBIDDEN = "I'm missing a permission for that here: {what}."
ERROR_BAD_OPTION = "That didn't work: {what}"
ERROR_COOLDOWN = "Please wait {seconds:.0f} s before using this command again."
ERROR_TOO_BIG = "That message is too big for me to read; please keep turns under {limit:,} characters."

RULES_TITLE = "How this debate works"
RULES = (
    "**You** argue: {user_side}\n**I** argue: {bot_side}\n\n"
    "Each message you post here is one turn: make your point, with evidence if you have it. "
    "I answer what you actually said, with sources.\n"
    "Format: {format}.{time}\n"
    "Commands: `/debate status`, `/debate hint` (an argument your side could make), `/debate concede`, "
    "`/debate end`, `/debate transcript`."
)
RULES_TIME = "\nYou have {minutes} for each turn; I'll remind you before time runs out."
GROUND_RULES = "Ground rules"
OPENING_TITLE = "My opening"
SCORECARD_TITLE = "Scorecard: debate #{id}"
HELP_TEXT = (
    "**Counterpoint** is a debate sparring partner. Pick a motion and a side; I argue the other side "
    "with evidence and sources.\n\n"
    "`/debate start` opens a thread (or runs in this DM). Then just write: every message of yours in the "
    "thread is a turn. The debate has an opening, rebuttal rounds and a closing; at the end you get a "
    "scorecard: what you argued, what I rebutted, what stood, and the strongest arguments you missed.\n\n"
    "`/debate status` where you are · `/debate hint` an argument your side could make · `/debate concede` · "
    "`/debate end` · `/debate topics` · "
    "`/debate history` your debates · `/debate transcript` the full log as a file."
)
TOPICS_TITLE = "Motions"
HISTORY_TITLE = "Your debates"
HISTORY_LINK = "All your transcripts in the browser (a private link: don't share it)"
STATUS_TITLE = "Debate #{id}"
MISSING_TOKEN = (
    "No Discord token: set DISCORD_TOKEN (or discord_token in the config file {config}).\n"
    "Get one at https://discord.com/developers/applications: create an application, open 'Bot', "
    "'Reset Token', and enable the Message Content intent. See the README, 'Run it on your server'.\n"
    "Without a token, `counterpoint debate` runs a debate in the terminal."
)

# ---------------------------------------------------------------- classes
CLASS_GROUP = "Class debates: teachers create a class, students join and each debates the bot"
CLASS_SETUP = "Set the role whose members may run classes (needs Manage Server)"
CLASS_SETUP_ROLE = "The teachers' role"
CLASS_SETUP_ADMIN_ONLY = "Only members with Manage Server can set the teacher role."
CLASS_SETUP_DONE = "Members with {role} can now run classes."
CLASS_CREATE = "Create a class debate; students join with the code or the button"
CLASS_NAME = "Name of the class, e.g. 10B History"
CLASS_POLICY = "Which side students argue"
CLASS_DEADLINE = "Close the class after this many hours (1-720)"
CLASS_TEAM = "Team mode: the class argues one side together in one thread"
CLASS_JOIN = "Join a class debate with its code"
CLASS_CODE = "The join code your teacher gave you"
CLASS_JOIN_BUTTON = "Join the debate"
CLASS_STATUS = "Live progress of a class (teachers only)"
CLASS_CLOSE = "Close a class and end its unfinished debates (teachers only)"
CLASS_REPORT = "The class report: CSV, HTML and a web link (teachers only)"
CLASS_ID = "Class number (default: the newest class here)"
CLASS_ANNOUNCE = (
    "**{motion}**\nSides: {policy} · {mode}\nDeadline: {deadline} · Hints: {hints}\n\n"
    "Press **Join the debate** or use `/class join code:{code}`: you get your own private thread with me."
)
CLASS_MODE_SOLO = "each student debates on their own"
CLASS_MODE_TEAM = "team mode: the class argues together, taking turns"
CLASS_GUILD_ONLY = "Classes run in a server, not in DMs."
CLASS_TEACHERS_ONLY = "Only teachers (Manage Server, or the role set with `/class setup`) can do that."
CLASS_NOT_HERE = "That class belongs to another server."
CLASS_NONE = "There is no open class in this server. Create one with `/class create`."
CLASS_CLOSED = "The class {name} is closed."
CLASS_TEAM_JOINED = "You joined your class's team debate: {where}. Take turns with your classmates."
CLASS_STATUS_TITLE = "{name} (class #{id})"
CLASS_NOBODY = "Nobody has joined yet."
CLASS_CLOSED_DONE = "Closed {name}; {n} unfinished debate(s) ended with their scorecards."
CLASS_REPORT_TITLE = "Report: {name}"
CLASS_REPORT_SUMMARY = "{joined} joined · {finished} finished\nIn the browser (teachers only, don't share): {url}"

CLASS_HINTS = "Hints each student may ask for with /debate hint (0 turns them off; default 2)"
CLASS_HINTS_OFF = "off"
CLASS_HINTS_N = "{n} per student"

# /debate hint
HINT = "Ask for an argument your side could make (a limited number per debate)"

# /topic
TOPIC_GROUP = "Teachers: your own motions for this server"
TOPIC_UPLOAD = "Upload a topic file (YAML); `counterpoint topic new` writes a starter"
TOPIC_UPLOAD_FILE = "The topic file, .yaml or .yml"
TOPIC_LIST = "The topics uploaded in this server"
TOPIC_DOWNLOAD = "Download an uploaded topic file"
TOPIC_REMOVE = "Remove an uploaded topic (debates that used it keep their transcripts)"
TOPIC_ID = "The topic's id"
TOPIC_VERSION = "A version number (default: the latest)"
TOPIC_NOT_YAML = "Please upload the topic as a `.yaml` or `.yml` file (you sent `{name}`)."
TOPIC_TOO_BIG = "That file is {size:,} bytes; a topic file may be at most {limit:,} bytes."
TOPIC_NOT_TEXT = "That file is not UTF-8 text. Save it as UTF-8 and upload it again."
TOPIC_PROBLEMS = "**{name}** was not uploaded: {n} problem{s} to fix.\n{problems}"
TOPIC_PROBLEMS_FILE = (
    "**{name}** was not uploaded: {n} problems to fix, all listed in the attached file. The first:\n{first}"
)
TOPIC_UPLOADED = "Uploaded **{id}**, version {version}: {motion}"
TOPIC_UNCHANGED = "**{id}** is unchanged: this is the same file as version {version}."
TOPIC_UPLOADED_USE = (
    "It is offered now in `/debate start` and `/class create` in this server. Debates already under way "
    "keep the version they started with."
)
TOPIC_CHECK = "Recognition check"
TOPIC_CHECK_FILE = "The whole report is attached: which claims I confuse or miss, and how to fix them."
TOPIC_NONE = (
    "No topics uploaded in this server yet. Write one with `counterpoint topic new FILE` and `/topic upload` it."
)
TOPIC_LIST_TITLE = "Topics uploaded in this server"
TOPIC_LIST_ROW = "`{id}` · version {version} · {claims} claims · uploaded {when} by <@{by}>\n{motion}"
TOPIC_REMOVED = (
    "Removed **{id}**. It is no longer offered here; debates that used it keep their transcripts, and "
    "debates under way finish on it."
)
