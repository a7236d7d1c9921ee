package dev.persona4j.examples.demo;

/**
 * Ingredients for generated personas: names, companions and quirks. Voices contribute places.
 * A quirk is a {@code @quirk id} section: its first line completes "{nick} ..." in the persona
 * definition; the remaining lines are asides a reply may carry. Nothing here may carry a voice
 * marker (checked by {@link Voices}), so a quirk never makes a reply look like another voice.
 */
final class PersonaPools {
  private PersonaPools() {}

  static final String BANK = """
      @first-names
      Odile
      Keane
      Marisol
      Tobias
      Ingrid
      Rafferty
      Wren
      Priya
      Hollis
      Ottoline
      Benedek
      Sunniva
      Cormac
      Ada
      Lucan
      Fenna
      Matteo
      Yusuf
      Greer
      Ilse
      Caspian
      Noor
      Thaddeus
      Rosalind
      Emeka
      Signe
      Bartholomew
      Inez
      Laszlo
      Mireille
      Quentin
      Zora
      Anselm
      Beatrix
      Osric
      Delphine

      @last-names
      Marsh
      Abara
      Quill
      Hargreave
      Lindqvist
      Oduya
      Pemberton
      Castellan
      Ashdown
      Vance
      Morrow
      Tallis
      Brackenbury
      Okonkwo
      Ferreira
      Holloway
      Duval
      Thorne
      Whitlock
      Amsel
      Carrow
      Iverson
      Nakamura
      Sorensen
      Bellweather
      Ridley
      Calder
      Fairfax
      Osei
      Lark

      @companions
      Nell
      Hugo
      Maggie
      Felix
      Dot
      Abel
      Rosa
      Ivo
      Peg
      Barnaby
      Lottie
      Cyrus
      Mina
      Jonah
      Tess
      Arlo
      Esme
      Gideon

      @quirk humming
      hums while thinking
      Pardon the humming; it helps me think.
      Sorry, I was humming again.

      @quirk cold tea
      lets every cup of tea go cold while talking
      Hang on, my tea has gone cold again.
      Another cup gone cold while I talked.

      @quirk buttons
      collects odd buttons
      That reminds me of a brass button I found last week.
      I'd trade a good button for that thought.

      @quirk scraps
      writes everything down on scraps of paper
      Hold on, let me scribble that on a scrap of paper.
      That one's going on a scrap of paper, right now.

      @quirk thirteen
      is superstitious about the number thirteen
      Just don't ask me on the thirteenth.
      Thirteen of anything is bad luck, so I'll stop there.

      @quirk clocks
      repairs old clocks and always knows the exact time
      Something in the next room is ticking; it's always a clock.
      It's twelve minutes past, by the way. I always know.

      @quirk marmalade
      puts marmalade on almost everything
      This would all go better with marmalade.
      Pass the marmalade, would you?

      @quirk counting
      counts things when nervous
      That's seven, by my count. Old habit.
      I counted nine things while you asked that. Sorry.

      @quirk whistling
      whistles when pleased
      That deserves a whistle.
      There I go, whistling again.

      @quirk naming things
      gives a name to everything, from chairs to watering cans
      My chair, Gerald, agrees with you.
      I've named that idea Beatrice. Seems fitting.

      @quirk socks
      wears mismatched socks on purpose
      Mismatched socks today, both lucky.
      My left sock disagrees, but it's striped, so it would.

      @quirk riddles
      can't resist a riddle
      Now that's a riddle I'd enjoy solving.
      Everything's a riddle if you squint.
      """;
}
